// dastavez: the call-record import form on /cdr (forms marked data-cdr-import). Sends the form
// with XMLHttpRequest so that a <progress> bar follows the file as it is sent; once sent, the
// bar turns indeterminate while the server reads, checks and stores every row. The answer is
// the whole /cdr page (the result, or the form with its one-line error): its <main> replaces
// this one, so the page reads exactly as after a plain post. Without this script the form
// posts normally. Nothing from the answer is run: DOMParser documents execute no script.
(function () {
  "use strict";

  function parts(form) {
    return {
      error: form.querySelector("[role=alert]"),
      box: form.querySelector("[data-import-progress]"),
      bar: form.querySelector("[data-import-progress] progress"),
      label: form.querySelector("[data-import-percent]"),
      button: form.querySelector("button[type=submit]")
    };
  }

  function say(form, percent, message) {
    var p = parts(form);
    if (percent === null) {
      p.bar.removeAttribute("value");  // indeterminate: the server is importing
    } else {
      p.bar.value = percent;
    }
    p.label.textContent = message;
  }

  function fail(form, message) {
    var p = parts(form);
    p.box.hidden = true;
    p.button.disabled = false;
    p.error.textContent = message;
    p.error.hidden = false;
  }

  function answered(form, xhr) {
    var main = null;
    try {
      main = new DOMParser().parseFromString(xhr.responseText, "text/html").querySelector("main");
    } catch (ignored) {
      main = null;
    }
    if (!main) {
      fail(form, "The import failed (" + xhr.status + "). Reload the page to see the datasets.");
      return;
    }
    document.querySelector("main").replaceWith(document.adoptNode(main));
    var focus = document.querySelector("main [aria-invalid=true]") ||
      document.querySelector("main [role=status], main [role=alert]:not([hidden])");
    if (focus) {
      focus.setAttribute("tabindex", "-1");
      focus.focus();
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-cdr-import") ||
        !window.FormData || !window.XMLHttpRequest || !window.DOMParser) {
      return;
    }
    event.preventDefault();
    var p = parts(form);
    p.error.hidden = true;
    p.button.disabled = true;
    p.box.hidden = false;
    say(form, 0, "0%");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable && e.total > 0) {
        var percent = Math.floor(e.loaded * 100 / e.total);
        say(form, percent, percent + "%");
      }
    });
    xhr.upload.addEventListener("load", function () {
      say(form, null, "Sent; importing: reading, checking and storing every row…");
    });
    xhr.addEventListener("load", function () { answered(form, xhr); });
    xhr.addEventListener("error", function () {
      fail(form, "The server could not be reached, or it closed the connection. Check the connection and try again.");
    });
    xhr.send(new FormData(form));
  });
})();
