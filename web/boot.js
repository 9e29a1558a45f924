// imdesk's boot script, inlined at the top of every page the server renders
// (its hash is in the Content-Security-Policy). It runs before anything else
// on the page and does three things (and keeps a hidden demo notice hidden).
(function () {
  // 1. The server sends each page already rendered, so a person can start
  // typing before the app (app.wasm) has taken over the page. What they type
  // is kept, in memory only, for the app to put back when it takes over
  // (app/typed.go): nothing typed is lost, on a slow phone either.
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
  // The demo notice, once hidden, stays hidden for the browser session
  // (app/shell.go): hidden on the server's page too, so that nothing moves
  // when the app takes over.
  try {
    if (sessionStorage.getItem("imdesk.demoHidden") === "true") {
      document.documentElement.classList.add("demo-hidden");
    }
  } catch (e) {}

  // 2. go-app's service worker, once registered, downloads every file of
  // the app for the next visit, app.wasm too: on a first visit that is a
  // second download and decompression while this one matters. The
  // registration waits until the app has taken over (shell.OnMount marks
  // <html data-imdesk="ready">), or 30 s at most.
  var container = navigator.serviceWorker;
  if (container) {
    var register = container.register.bind(container);
    var mounted = new Promise(function (resolve) {
      setTimeout(resolve, 30000);
      new MutationObserver(function (_, observer) {
        if (document.documentElement.getAttribute("data-imdesk") === "ready") {
          observer.disconnect();
          resolve();
        }
      }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-imdesk"] });
    });
    container.register = function (script, options) {
      return mounted.then(function () { return register(script, options); });
    };
  }

  // 3. go-app's app.js asks for app.wasm and compiles it only once the page
  // is parsed, its style sheets are in and its deferred scripts have run.
  // Here the compilation starts with the page, while it is parsed, fed by
  // the download that the server's preload, just before this script, has
  // already started (this fetch, of the same mode and credentials, is given
  // it). app.js's fetch of app.wasm is given the same response (for its
  // progress bar) and its instantiateStreaming the module compiled here. If
  // anything fails here, app.js does what it always does.
  var url = "/web/app.wasm";
  // Not where app.js will not load it either (its own checks: crawlers,
  // ?wasm=false), nor without streaming compilation.
  if (!window.fetch || !window.WebAssembly || !WebAssembly.compileStreaming ||
    /bot|googlebot|crawler|spider|robot|crawling/i.test(navigator.userAgent) ||
    new URLSearchParams(location.search).get("wasm") === "false") {
    return;
  }
  var response = fetch(url);
  var module = WebAssembly.compileStreaming(response.then(function (r) { return r.clone(); }));
  module.catch(function () {}); // app.js compiles it again and reports the failure
  var fetch0 = window.fetch;
  window.fetch = function (u) {
    if (u === url) {
      window.fetch = fetch0;
      return response;
    }
    return fetch0.apply(this, arguments);
  };
  var instantiate0 = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = function (source, imports) {
    WebAssembly.instantiateStreaming = instantiate0;
    return module.then(function (m) {
      return WebAssembly.instantiate(m, imports).then(function (instance) {
        return { module: m, instance: instance };
      });
    }, function () {
      return instantiate0(source, imports);
    });
  };
})();
