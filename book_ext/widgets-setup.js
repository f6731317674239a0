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
})();
