// Prepares the ipywidgets embed manager (widgets/embed-amd.js) for the offline book.
// Loaded on pages with widgets, after require.js and before embed-amd.js (see _config.yml).
(function () {
  "use strict";
  // 1. The bundled widget modules find their font files next to their RequireJS module URL,
  //    which RequireJS resolves against the page's folder (404s). Point the names at this folder,
  //    where `make book` puts the fonts.
  var here = document.currentScript.src.replace(/[?#].*$/, "").replace(/\/[^\/]*$/, "");
  window.require.config({
    paths: {"@jupyter-widgets": here, "@jupyter-widgets/html-manager/dist": here}
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

  // 4. A static page has no kernel. A widget whose result the kernel computes marks that result
  //    with the class fmnist-live-only (fmnist_lib.widgets.LIVE_ONLY): once a control of its
  //    widget is moved here, the stale result gives way to a note. Widgets that switch between
  //    views computed in advance (jslink) keep working and carry no such mark.
  var NOTE = "This page is static, so nothing is recomputed here: open the notebook in " +
    "JupyterLab or Colab (launch button at the top of the page) to use the calculator.";
  function staleResults(event) {
    var area = event.target.closest && event.target.closest(".widget-subarea");
    if (!area) {
      return;
    }
    area.querySelectorAll(".fmnist-live-only").forEach(function (result) {
      if (!result.dataset.fmnistStale) {
        result.dataset.fmnistStale = "1";
        result.textContent = NOTE;
        result.setAttribute("role", "status");
      }
    });
  }
  // ipywidgets' sliders (noUiSlider) fire no input event: watch the pointer and the keys too.
  ["input", "change", "pointerdown", "keydown"].forEach(function (type) {
    document.addEventListener(type, staleResults, true);
  });

  // 5. A name for assistive technology, which the widget library does not give: a slider's
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
