// imdesk: the server sends each page already rendered, so a person can start
// typing before the app (app.wasm) has loaded and taken over the page. This
// keeps what they type, in memory only, so the app can put it back when it
// takes over: nothing typed is lost, on a slow phone either.
(function () {
  var typed = {};
  window.imdeskTyped = typed;
  document.addEventListener("input", function (e) {
    var t = e.target;
    if (t && t.id && (t.tagName === "INPUT" || t.tagName === "TEXTAREA")) {
      typed[t.id] = t.value;
    }
  }, true);
  document.addEventListener("focusin", function (e) {
    if (e.target && e.target.id) {
      window.imdeskFocus = e.target.id;
    }
  }, true);
})();
