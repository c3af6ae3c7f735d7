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
