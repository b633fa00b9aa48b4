// The UI's only script besides htmx: global search (Ctrl/Cmd-K), keyboard shortcuts,
// and selecting rows in lists. No inline scripts anywhere: the CSP forbids them.
(function () {
  "use strict";

  // The server shows times, and reads the times typed, in the browser's zone.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("crm_tz=" + encodeURIComponent(zone)) === -1) {
      document.cookie = "crm_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (ignored) { /* an old browser: times stay in UTC */ }

  function typingIn(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function openSearch() {
    var dialog = document.getElementById("search-dialog");
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    var input = document.getElementById("global-search");
    input.focus();
    input.select();
  }

  function resultLinks() {
    return Array.prototype.slice.call(document.querySelectorAll("#search-results a"));
  }

  function moveSelection(step) {
    var links = resultLinks();
    if (!links.length) return;
    var current = links.findIndex(function (link) { return link.getAttribute("aria-selected") === "true"; });
    var next = Math.max(0, Math.min(links.length - 1, current + step));
    links.forEach(function (link, index) { link.setAttribute("aria-selected", index === next ? "true" : "false"); });
    links[next].scrollIntoView({ block: "nearest" });
  }

  // The main menu on phones: the button folds the navigation list (CSS only applies that
  // below the phone breakpoint); without this script the list simply wraps.
  var navToggle = document.querySelector(".nav-toggle");
  if (navToggle) {
    navToggle.hidden = false;
    navToggle.closest(".mainnav").classList.add("has-toggle");
    navToggle.addEventListener("click", function () {
      navToggle.setAttribute("aria-expanded", navToggle.getAttribute("aria-expanded") === "true" ? "false" : "true");
    });
    document.addEventListener("click", function (event) {
      if (!event.target.closest(".mainnav")) navToggle.setAttribute("aria-expanded", "false");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && navToggle.getAttribute("aria-expanded") === "true") {
        navToggle.setAttribute("aria-expanded", "false");
        navToggle.focus();
      }
    });
  }

  var pendingG = false;

  document.addEventListener("keydown", function (event) {
    var key = event.key;
    if ((event.ctrlKey || event.metaKey) && key.toLowerCase() === "k") {
      event.preventDefault();
      openSearch();
      return;
    }
    var dialog = document.getElementById("search-dialog");
    if (dialog && dialog.open && event.target.id === "global-search") {
      if (key === "ArrowDown" || key === "ArrowUp") {
        event.preventDefault();
        moveSelection(key === "ArrowDown" ? 1 : -1);
      } else if (key === "Enter") {
        var chosen = document.querySelector('#search-results a[aria-selected="true"]') || resultLinks()[0];
        if (chosen) { event.preventDefault(); window.location.href = chosen.href; }
      }
      return;
    }
    if (typingIn(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (pendingG) {
      pendingG = false;
      var targets = { h: "/", c: "/contacts", o: "/companies", s: "/settings" };
      if (targets[key]) { window.location.href = targets[key]; }
      return;
    }
    if (key === "g") { pendingG = true; setTimeout(function () { pendingG = false; }, 1200); return; }
    if (key === "?") {
      var help = document.getElementById("shortcuts-dialog");
      if (help) help.showModal();
      return;
    }
    var shortcut = document.querySelector('[data-shortcut="' + (key === "/" ? "slash" : key) + '"]');
    if (shortcut) {
      event.preventDefault();
      if (/^(INPUT|TEXTAREA|SELECT)$/.test(shortcut.tagName)) { shortcut.focus(); }
      else if (shortcut.tagName === "DETAILS") { shortcut.open = true; var first = shortcut.querySelector("input, select, textarea"); if (first) first.focus(); }
      else { shortcut.click(); }
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.closest("[data-open-search]")) { openSearch(); return; }
    if (target.closest("[data-open-shortcuts]")) {
      var help = document.getElementById("shortcuts-dialog");
      if (help) help.showModal();
      return;
    }
    var dialog = document.getElementById("search-dialog");
    if (dialog && target === dialog) dialog.close();  // a click on the backdrop
  });

  // Selecting rows: a "select all" box and a live count of what is selected.
  document.addEventListener("change", function (event) {
    var target = event.target;
    var form = target.form;
    if (!form) return;
    if (target.hasAttribute("data-select-all")) {
      form.querySelectorAll('input[name="ids"]').forEach(function (box) { box.checked = target.checked; });
    }
    if (target.name === "ids" || target.hasAttribute("data-select-all")) {
      var count = form.querySelectorAll('input[name="ids"]:checked').length;
      var counter = form.querySelector("[data-selected-count]");
      if (counter) counter.textContent = count ? count + " selected" : "";
      var bulk = form.querySelector("[data-bulk]");
      if (bulk) bulk.hidden = count === 0;
    }
  });

  // Auto-submitting filters (selects marked data-autosubmit), without inline handlers.
  document.addEventListener("change", function (event) {
    if (event.target.hasAttribute("data-autosubmit") && event.target.form) {
      event.target.form.requestSubmit();
    }
  });

  document.body && document.body.addEventListener("htmx:afterSwap", function () {
    var first = resultLinks()[0];
    if (first) first.setAttribute("aria-selected", "true");
  });

  // Deleting asks first: forms marked data-confirm submit only when the user agrees.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm")) || (form.getAttribute && form.getAttribute("data-confirm"));
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);

  // The "Deleted … Undo" toast stays long enough to be used, then goes.
  var undo = document.querySelector(".toast-undo.show");
  if (undo) setTimeout(function () { undo.classList.remove("show"); }, 15000);

  document.addEventListener("htmx:afterRequest", function (event) {
    var message = event.detail.xhr && event.detail.xhr.getResponseHeader("X-Toast");
    var toast = document.getElementById("toast");
    if (message && toast) {
      toast.textContent = message;
      toast.classList.add("show");
      setTimeout(function () { toast.classList.remove("show"); }, 2500);
    }
  });
})();
