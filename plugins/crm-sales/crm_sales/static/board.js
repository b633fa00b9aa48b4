// The Kanban board: drag a card onto another stage, or use the card's "Move…" button from the
// keyboard. A move to a lost stage asks for the reason first. No inline scripts (CSP).
(function () {
  "use strict";

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["x-csrftoken"] || ""; }
    catch (error) { return ""; }
  }

  function toast(message) {
    var box = document.getElementById("toast");
    if (!box) return;
    box.textContent = message;
    // The core's toast shows with "show" (crm.css); any other class leaves it invisible.
    box.classList.add("show");
    setTimeout(function () { box.classList.remove("show"); }, 6000);
  }

  function move(dealId, stageId, lostReason) {
    var body = new URLSearchParams({ stage_id: stageId });
    if (lostReason) body.set("lost_reason", lostReason);
    return fetch("/sales/deals/" + dealId + "/move", {
      method: "POST",
      credentials: "same-origin",
      headers: { "x-csrftoken": csrfToken(), "x-requested-with": "fetch" },
      body: body
    }).then(function (response) {
      if (response.ok) { window.location.reload(); return; }
      // The card was never moved on the page, so it stays in its own stage.
      return response.json().catch(function () { return {}; }).then(function (payload) {
        var errors = payload.errors || {};
        var detail = Object.keys(errors).map(function (key) { return errors[key]; }).join("; ") || payload.detail;
        toast("The deal could not be moved" + (detail ? ": " + detail : "."));
      });
    }).catch(function () { toast("The deal could not be moved; check the connection."); });
  }

  // One dialog moves any card: the keyboard way, and the drop on a lost stage (which needs
  // a reason). It posts a plain form, so the server's answer is an ordinary page.
  function openMoveDialog(card, stageId) {
    var dialog = document.getElementById("sales-move-dialog");
    var form = document.getElementById("sales-move-form");
    if (!dialog || !form) return;
    form.action = form.dataset.action.replace("{id}", card.dataset.dealId);
    dialog.querySelector("[data-deal-title]").textContent = card.querySelector(".sales-card-title").textContent;
    form.elements.stage_id.value = stageId || card.dataset.currentStage;
    showReason(form);
    dialog.showModal();
    form.elements.stage_id.focus();
  }

  function showReason(form) {
    var option = form.elements.stage_id.selectedOptions[0];
    form.querySelector(".sales-lost-reason").hidden = !(option && option.dataset.kind === "lost");
  }

  function cardById(dealId) {
    return board.querySelector('.sales-card[data-deal-id="' + dealId + '"]');
  }

  function moveOrAsk(dealId, stageId, kind) {
    if (kind === "lost") openMoveDialog(cardById(dealId), stageId);
    else move(dealId, stageId);
  }

  var board = document.getElementById("sales-board");
  if (!board) return;
  var dragged = null;

  board.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".sales-card");
    if (!card) return;
    dragged = card;
    card.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.dealId);
  });

  board.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
    board.querySelectorAll(".is-target").forEach(function (zone) { zone.classList.remove("is-target"); });
  });

  function zoneOf(event) {
    return event.target.closest && event.target.closest("[data-stage-id]");
  }

  board.addEventListener("dragover", function (event) {
    var zone = zoneOf(event);
    if (!zone) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    board.querySelectorAll(".is-target").forEach(function (other) { if (other !== zone) other.classList.remove("is-target"); });
    zone.classList.add("is-target");
  });

  board.addEventListener("drop", function (event) {
    var zone = zoneOf(event);
    if (!zone) return;
    event.preventDefault();
    var dealId = event.dataTransfer.getData("text/plain") || (dragged && dragged.dataset.dealId);
    zone.classList.remove("is-target");
    if (dealId) moveOrAsk(dealId, zone.dataset.stageId, zone.dataset.kind);
  });

  board.addEventListener("click", function (event) {
    var button = event.target.closest("[data-move]");
    if (button) openMoveDialog(button.closest(".sales-card"));
  });

  var moveForm = document.getElementById("sales-move-form");
  if (moveForm) moveForm.elements.stage_id.addEventListener("change", function () { showReason(moveForm); });

  document.addEventListener("click", function (event) {
    if (event.target.matches("[data-close-dialog]")) event.target.closest("dialog").close();
  });
})();
