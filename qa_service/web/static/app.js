/* kepu pages: copy buttons and the admin approve / retire buttons. Everything works without this
   file except those two; no inline script is allowed by the Content-Security-Policy. */
(function () {
  "use strict";

  var TOKEN_KEY = "kepuAdminToken";

  function storage() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }

  function say(el, text) {
    if (el) { el.textContent = text; }
  }

  // ---------------------------------------------------------------- copy buttons

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "copy-buffer";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function copied(button, ok) {
    var original = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", original);
    button.textContent = ok ? "已复制" : "复制失败，请手动选择文字";
    button.classList.toggle("copied", ok);
    window.setTimeout(function () { button.textContent = original; button.classList.remove("copied"); }, 2000);
  }

  function copyText(button) {
    var text = button.getAttribute("data-copy") || "";
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { copied(button, true); },
        function () { copied(button, fallbackCopy(text)); });
    } else {
      copied(button, fallbackCopy(text));
    }
  }

  // ---------------------------------------------------------------- admin

  function adminActions(box, status) {
    var store = storage();
    var token = store ? store.getItem(TOKEN_KEY) : null;
    var message = box.querySelector(".admin-message");
    if (!token) {
      say(message, "请先在素材检索页输入管理口令。");
      var missing = document.querySelector(".admin-token-missing");
      var login = document.querySelector(".admin-login");
      if (missing) { missing.hidden = false; }
      if (login) { login.hidden = false; }
      return;
    }
    var id = box.getAttribute("data-material");
    var buttons = box.querySelectorAll("button");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    say(message, "正在提交……");
    fetch("/api/admin/materials/" + encodeURIComponent(id) + "/status", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Kepu-Token": token },
      body: JSON.stringify({ status: status }),
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok) {
          say(message, status === "approved" ? "已审核通过" : "已下架");
          box.setAttribute("data-done", status);
          window.setTimeout(function () { window.location.reload(); }, 600);
          return;
        }
        if (response.status === 401 || response.status === 403) {
          if (store) { store.removeItem(TOKEN_KEY); }
        }
        say(message, (body && body.detail) ? String(body.detail) : "操作失败（" + response.status + "）");
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      });
    }).catch(function () {
      say(message, "网络错误，操作未完成。");
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
    });
  }

  function initAdmin() {
    var store = storage();
    var login = document.querySelector("form.admin-login");
    if (login) {
      login.addEventListener("submit", function () {
        var input = login.querySelector("input[name=token]");
        if (store && input) { store.setItem(TOKEN_KEY, input.value); }
      });
    }
    var logout = document.querySelector("form.admin-logout");
    if (logout) {
      logout.addEventListener("submit", function () { if (store) { store.removeItem(TOKEN_KEY); } });
    }
    var panel = document.getElementById("admin");
    if (panel && !panel.hasAttribute("data-admin") && store) {
      store.removeItem(TOKEN_KEY);  // the sign-in was refused or has expired
    }
    if (panel && panel.hasAttribute("data-admin") && store && !store.getItem(TOKEN_KEY)) {
      var missing = document.querySelector(".admin-token-missing");
      if (missing) { missing.hidden = false; }
      if (login) { login.hidden = false; }
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var copy = target.closest(".copy-button");
    if (copy) { copyText(copy); return; }
    var action = target.closest(".admin-action");
    if (action) {
      var box = action.closest(".admin-actions");
      if (box) { adminActions(box, action.getAttribute("data-status")); }
    }
  });

  // ---------------------------------------------------------------- answered since you asked
  // Claims kepu could not answer are remembered in this browser only (their answer ids); when the
  // science team has answered one since, the 问答 page shows it.

  var ASKED_KEY = "kepuAskedUnanswered";
  var ASKED_MAX = 20;

  function localStore() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function readAsked(store) {
    try { return JSON.parse(store.getItem(ASKED_KEY) || "[]") || []; } catch (e) { return []; }
  }

  function rememberUnanswered(store) {
    var marker = document.querySelector("[data-unanswered-id]");
    if (!marker) { return; }
    var asked = readAsked(store).filter(function (a) { return a.id !== marker.getAttribute("data-unanswered-id"); });
    asked.push({ id: marker.getAttribute("data-unanswered-id"), q: marker.getAttribute("data-question") || "" });
    store.setItem(ASKED_KEY, JSON.stringify(asked.slice(-ASKED_MAX)));
  }

  function showAnswered(item, body) {
    var box = document.getElementById("followups");
    if (!box) { return; }
    box.hidden = false;
    var card = document.createElement("article");
    card.className = "panel followup";
    var title = document.createElement("h2");
    title.textContent = "您之前问过：“" + (body.question || item.q) + "”——现在有答案了";
    var text = document.createElement("p");
    text.className = "answer-text";
    text.textContent = body.reply || "";
    card.appendChild(title);
    card.appendChild(text);
    box.appendChild(card);
  }

  function checkAsked() {
    var store = localStore();
    if (!store || !document.getElementById("followups")) { return; }
    rememberUnanswered(store);
    var current = document.querySelector("[data-unanswered-id]");
    readAsked(store).forEach(function (item) {
      if (current && current.getAttribute("data-unanswered-id") === item.id) { return; }
      fetch("/api/followup/" + encodeURIComponent(item.id), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (!body || !body.answered) { return; }
          showAnswered(item, body);
          store.setItem(ASKED_KEY, JSON.stringify(readAsked(store).filter(function (a) { return a.id !== item.id; })));
        })
        .catch(function () { /* offline: try again next visit */ });
    });
  }

  function init() {
    initAdmin();
    checkAsked();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
