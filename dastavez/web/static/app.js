// dastavez: small behaviours on top of htmx. Served as a file because the CSP allows no
// inline script. Every page works without it (and without htmx): forms post normally.
(function () {
  "use strict";

  function flash(message) {
    var box = document.getElementById("flash");
    if (box) {
      box.textContent = message;
    }
  }

  document.addEventListener("htmx:beforeRequest", function () {
    flash("");
  });

  // A refused form or search comes back as 4xx with HX-Retarget naming where its message
  // goes (the form itself, the results): swap it in like a normal answer.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status >= 400 && xhr.status < 500 && xhr.getResponseHeader("HX-Retarget")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Other failures: say so at the top of the page rather than doing nothing.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var text = "";
    try {
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var message = doc.querySelector("[role=alert]");
      text = message ? message.textContent.trim() : "";
    } catch (ignored) {
      text = "";
    }
    flash(text || "The request failed (" + xhr.status + "). Reload the page to see the current state.");
  });

  document.addEventListener("htmx:sendError", function () {
    flash("The server could not be reached. Check the connection and try again.");
  });

  // After a swap that brought an error message, move focus to the field it is about.
  // (outerHTML swaps detach the old target, so look in the document.)
  document.addEventListener("htmx:afterSwap", function () {
    var invalid = document.querySelector("form [aria-invalid=true]");
    if (invalid) {
      invalid.focus();
    }
  });
})();

// Evidence upload (forms marked data-upload): send the form with XMLHttpRequest so that a
// <progress> bar can follow the bytes. The fields are checked first, without the file, so a
// typo is refused before gigabytes are sent. Without this script the form posts normally.
(function () {
  "use strict";

  var EXHIBIT_PAGE = /^\/exhibits\/[A-Z0-9-]+$/;

  function csrfOf(form) {
    var field = form.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  function parts(form) {
    return {
      error: form.querySelector("[data-upload-error]"),
      box: form.querySelector("[data-upload-progress]"),
      bar: form.querySelector("[data-upload-progress] progress"),
      percent: form.querySelector("[data-upload-percent]"),
      button: form.querySelector("button[type=submit]")
    };
  }

  function clearError(form) {
    var p = parts(form);
    if (p.error) {
      p.error.textContent = "";
      p.error.hidden = true;
    }
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid=true]"), function (field) {
      field.removeAttribute("aria-invalid");
      field.removeAttribute("aria-describedby");
    });
  }

  function showError(form, message, fieldName) {
    var p = parts(form);
    if (p.error) {
      p.error.textContent = message;
      p.error.hidden = false;
    }
    var field = fieldName ? form.querySelector("[name=\"" + fieldName + "\"]") : null;
    if (field) {
      field.setAttribute("aria-invalid", "true");
      if (p.error && p.error.id) {
        field.setAttribute("aria-describedby", p.error.id);
      }
      field.focus();
    } else if (p.error) {
      p.error.scrollIntoView({block: "center"});
    }
    if (p.box) {
      p.box.hidden = true;
    }
    if (p.button) {
      p.button.disabled = false;
    }
  }

  // A refused upload answers with the page holding the form: take its message and the
  // name of the field it marked, keeping what is typed here (and the chosen file).
  function refusal(xhr) {
    var message = "";
    var fieldName = null;
    try {
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var alert = doc.querySelector("[role=alert]:not(:empty)");
      message = alert ? alert.textContent.trim() : "";
      var invalid = doc.querySelector("form [aria-invalid=true]");
      fieldName = invalid ? invalid.getAttribute("name") : null;
    } catch (ignored) {
      message = "";
    }
    return {
      message: message || "The upload failed (" + xhr.status + "). Reload the page and try again.",
      field: fieldName
    };
  }

  function setProgress(form, percent, text) {
    var p = parts(form);
    if (p.bar) {
      p.bar.value = percent;
    }
    if (p.percent && p.percent.textContent !== text) {
      p.percent.textContent = text;
    }
  }

  function post(form, url, data, onDone, onProgress) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("X-CSRF-Token", csrfOf(form));
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    if (onProgress) {
      xhr.upload.addEventListener("progress", onProgress);
    }
    xhr.addEventListener("load", function () { onDone(xhr); });
    xhr.addEventListener("error", function () {
      showError(form, "The server could not be reached, or it closed the connection. Check the connection and try again.");
    });
    xhr.send(data);
  }

  function send(form) {
    var p = parts(form);
    var data = new FormData(form);
    if (p.box) {
      p.box.hidden = false;
    }
    setProgress(form, 0, "0%");
    post(form, form.action, data, function (xhr) {
      var location = xhr.getResponseHeader("Location") || "";
      if (xhr.status === 201 && EXHIBIT_PAGE.test(location)) {
        setProgress(form, 100, "Stored");
        window.location.assign(location);
        return;
      }
      var refused = refusal(xhr);
      showError(form, refused.message, refused.field);
    }, function (event) {
      if (event.lengthComputable && event.total > 0) {
        var percent = Math.floor(event.loaded * 100 / event.total);
        setProgress(form, percent, percent >= 100 ? "100%: hashing and reading the file…" : percent + "%");
      }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-upload") ||
        !window.FormData || !window.XMLHttpRequest) {
      return;
    }
    event.preventDefault();
    var p = parts(form);
    clearError(form);
    var input = form.querySelector("input[type=file]");
    var file = input && input.files && input.files[0];
    var limit = parseInt(form.getAttribute("data-max-bytes") || "0", 10);
    if (file && limit && file.size > limit) {
      showError(form, "the file is larger than the limit of " + limit.toLocaleString("en") + " bytes", input.name);
      return;
    }
    if (p.button) {
      p.button.disabled = true;
    }
    var fields = new FormData(form);
    if (input) {
      fields.delete(input.name);
    }
    post(form, form.getAttribute("data-check-url"), fields, function (xhr) {
      if (xhr.status === 204) {
        send(form);
        return;
      }
      var refused = refusal(xhr);
      showError(form, refused.message, refused.field);
    });
  });
})();
