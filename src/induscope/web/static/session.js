// Dashboard session helpers. The session cookie is HttpOnly; the CSRF cookie is readable by our own
// pages only (same origin), and every write sends it back in X-CSRF-Token: a cross-site page can make
// the browser send the cookie, but cannot read it to fill the header (api/auth.py checks the pair).
(function () {
  function csrf() {
    const m = document.cookie.match(/(?:^|;\s*)induscope_csrf=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  // fetch() with the CSRF header and JSON by default; answers {ok, status, body}
  window.induscopeFetch = async function (url, opts) {
    opts = Object.assign({method: "GET", headers: {}}, opts || {});
    opts.headers = Object.assign({"X-CSRF-Token": csrf(), "Accept": "application/json"}, opts.headers);
    if (opts.json !== undefined) {
      opts.body = JSON.stringify(opts.json);
      opts.headers["Content-Type"] = "application/json";
      delete opts.json;
    }
    opts.credentials = "same-origin";
    const r = await fetch(url, opts);
    let body = null;
    const type = r.headers.get("content-type") || "";
    if (type.includes("json")) { body = await r.json(); } else { body = await r.text(); }
    return {ok: r.ok, status: r.status, body: body};
  };
  window.induscopeCsrf = csrf;
  document.addEventListener("htmx:configRequest", function (e) {
    e.detail.headers["X-CSRF-Token"] = csrf();
  });
  document.addEventListener("DOMContentLoaded", function () {
    const out = document.getElementById("logout");
    if (out) out.addEventListener("click", async function (e) {
      e.preventDefault();
      await window.induscopeFetch("/api/v1/auth/logout", {method: "POST"});
      window.location.href = out.getAttribute("data-next") || "/login";
    });
    const form = document.getElementById("login-form");
    if (form) form.addEventListener("submit", async function (e) {
      e.preventDefault();
      const msg = document.getElementById("login-message");
      const r = await window.induscopeFetch("/api/v1/auth/login", {method: "POST",
        json: {name: form.elements["name"].value, password: form.elements["password"].value}});
      if (r.ok) {
        window.location.href = form.getAttribute("data-next") || "/overview";
      } else {
        msg.textContent = (form.getAttribute("data-failed") || "") + ": " +
          ((r.body && r.body.message) || ("HTTP " + r.status));
      }
    });
  });
})();
