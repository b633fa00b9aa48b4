// The calendar's drag and drop: drop a meeting, call or task on another day (or hour, in
// the day view) and the server moves it, then sends the calendar back to swap in. Each
// item's Reschedule form does the same without a mouse.
(function () {
  "use strict";

  var dragged = null;

  function csrfHeaders() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}"); }
    catch (ignored) { return {}; }
  }

  document.addEventListener("dragstart", function (event) {
    var item = event.target.closest && event.target.closest("[data-activity-id]");
    if (!item) return;
    dragged = item;
    item.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.getAttribute("data-activity-id"));
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
    document.querySelectorAll(".is-drop-target").forEach(function (cell) { cell.classList.remove("is-drop-target"); });
  });

  document.addEventListener("dragover", function (event) {
    var cell = dragged && event.target.closest && event.target.closest("[data-drop-date]");
    if (!cell) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    document.querySelectorAll(".is-drop-target").forEach(function (other) {
      if (other !== cell) other.classList.remove("is-drop-target");
    });
    cell.classList.add("is-drop-target");
  });

  document.addEventListener("drop", function (event) {
    var cell = dragged && event.target.closest && event.target.closest("[data-drop-date]");
    if (!cell) return;
    event.preventDefault();
    var item = dragged;
    var here = document.querySelector("[data-calendar-here]");
    window.htmx.ajax("POST", "/calendar/activities/" + item.getAttribute("data-activity-id") + "/move", {
      source: cell,
      target: "#calendar",
      swap: "innerHTML",
      headers: csrfHeaders(),
      values: {
        date: cell.getAttribute("data-drop-date"),
        // A day keeps the item's time; an hour of the day view sets it.
        time: cell.getAttribute("data-drop-time") || item.getAttribute("data-time"),
        next: here ? here.getAttribute("data-calendar-here") : "/calendar"
      }
    });
  });
})();
