// Prepares the ipywidgets embed manager (widgets/embed-amd.js) for the offline book.
// Loaded on pages with widgets, after require.js and before embed-amd.js (see _config.yml).
(function () {
  "use strict";
  // 1. The bundled widget modules find their font files next to their RequireJS module URL,
  //    which RequireJS resolves against the page's folder (404s). Point the names at this folder,
  //    where `make book` puts the fonts. The embed manager asks RequireJS for a widget module
  //    before it would try a CDN: anywidget's front end (the size calculator, an anywidget whose
  //    JavaScript is in its saved state) is served from here too (`make book` copies it from npm).
  var here = document.currentScript.src.replace(/[?#].*$/, "").replace(/\/[^\/]*$/, "");
  window.require.config({
    paths: {
      "@jupyter-widgets": here,
      "@jupyter-widgets/html-manager/dist": here,
      "anywidget": here + "/anywidget"
    }
  });

  // 2. ipywidgets typesets labels with MathJax 2's API (MathJax.Hub.Queue), which throws with
  //    the book's MathJax 3. Translate that call once MathJax 3 has loaded (deferred scripts run
  //    before DOMContentLoaded; widgets are drawn on window load, later).
  function shimMathJax2() {
    var mj = window.MathJax;
    if (!mj || mj.Hub || !mj.startup || !mj.typesetPromise) {
      return;
    }
    mj.Hub = {
      Queue: function () {
        Array.prototype.forEach.call(arguments, function (cmd) {
          if (Array.isArray(cmd) && cmd[0] === "Typeset" && cmd[2]) {
            mj.startup.promise.then(function () { return mj.typesetPromise([cmd[2]]); });
          }
        });
      }
    };
  }
  document.addEventListener("DOMContentLoaded", shimMathJax2);

  // 3. Images of Fashion-MNIST pixels (fmnist_lib.widgets.PIXELATED) are stored small and drawn
  //    enlarged: keep each pixel a sharp square instead of smoothing it.
  var style = document.createElement("style");
  style.textContent = ".fmnist-pixelated, .fmnist-pixelated img { image-rendering: pixelated; }";
  document.head.appendChild(style);

  // 4. A name for assistive technology, which the widget library does not give: a slider's
  //    handle is named by its widget's tooltip or label.
  function nameWidgets(root) {
    root.querySelectorAll(".widget-slider [role=slider]:not([aria-label])").forEach(function (h) {
      var widget = h.closest(".widget-slider");
      var label = widget.querySelector(".widget-label");
      var name = widget.title || (label && label.textContent.trim());
      if (name) {
        h.setAttribute("aria-label", name);
      }
    });
  }
  new MutationObserver(function () { nameWidgets(document); })
    .observe(document.documentElement, {childList: true, subtree: true});
})();
