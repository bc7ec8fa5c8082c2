/* The pipeline board: drag a card to another column to move its journey.

Every move goes to the server (journeys.services.journey_move, through board_move); the
board never decides what is allowed. A refused move snaps the card back to where it was
and shows the service's message. Moves that need a reason open a dialog first. */
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board || typeof Sortable === "undefined") return;
  var status = document.getElementById("board-status");
  var dialog = document.getElementById("move-dialog");
  var dialogForm = document.getElementById("move-dialog-form");

  function say(text, kind) {
    status.textContent = text;
    status.className = "board-status " + (kind || "");
  }

  function snapBack(evt) {
    var item = evt.item;
    var from = evt.from;
    var ref = from.children[evt.oldIndex] || null;
    if (ref === item) return;
    from.insertBefore(item, ref);
  }

  function askReason(card, target) {
    return new Promise(function (resolve) {
      dialogForm.reset();
      document.getElementById("move-dialog-error").textContent = "";
      dialog.querySelectorAll("[data-for]").forEach(function (el) {
        el.hidden = el.dataset.for !== target;
      });
      var labels = { lost: "Mark lost", postponed: "Postpone" };
      document.getElementById("move-dialog-title").textContent = (labels[target] || "Move to " + target) + ": why?";
      document.getElementById("move-dialog-what").textContent = card.dataset.name;
      dialog.returnValue = "";
      dialog.addEventListener("close", function onClose() {
        dialog.removeEventListener("close", onClose);
        if (dialog.returnValue !== "confirm") return resolve(null);
        resolve(new FormData(dialogForm));
      });
      dialog.showModal();
      var first = dialog.querySelector("[data-for]:not([hidden]) select, [data-for]:not([hidden]) input, textarea");
      if (first) first.focus();
    });
  }

  function updateCounts(counts) {
    Object.keys(counts).forEach(function (stage) {
      var el = board.querySelector('[data-count-for="' + stage + '"]');
      if (el) el.textContent = counts[stage];
    });
  }

  function move(evt) {
    var card = evt.item;
    var target = evt.to.dataset.stage;
    var from = evt.from.dataset.stage;
    if (target === from) return;
    var needs = (card.dataset.needsReason || "").split(" ");
    var ask = (target === "lost" || target === "postponed" || needs.indexOf(target) !== -1)
      ? askReason(card, target) : Promise.resolve(new FormData());
    ask.then(function (data) {
      if (data === null) { snapBack(evt); say("Move cancelled."); return; }
      data.append("journey", card.dataset.journey);
      data.append("target", target);
      data.append("expected_stage", card.dataset.stage);
      card.classList.add("moving");
      var url = board.dataset.moveUrl + (board.dataset.query ? "?" + board.dataset.query : "");
      return fetch(url, {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": window.crmCsrfToken(), "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        return response.json().catch(function () { return { ok: false, error: "The server did not answer (" + response.status + ")." }; });
      }).then(function (result) {
        card.classList.remove("moving");
        if (!result.ok) {
          snapBack(evt);
          say(result.error, "error");
          return;
        }
        updateCounts(result.counts);
        if (result.card) {
          var fresh = document.createRange().createContextualFragment(result.card).firstElementChild;
          card.replaceWith(fresh);
          if (window.htmx) window.htmx.process(fresh);
        } else if (result.outcome === "active") {
          // Moved, but the server could not draw the new card: keep it where it was dropped.
          card.dataset.stage = result.stage;
        } else {
          card.remove();
        }
        say(result.message, "ok");
      });
    }).catch(function () {
      card.classList.remove("moving");
      snapBack(evt);
      say("The move could not be sent; check the connection and try again.", "error");
    });
  }

  board.querySelectorAll("ol.cards").forEach(function (list) {
    Sortable.create(list, {
      group: { name: "board", pull: !list.classList.contains("drop"), put: true },
      sort: false,
      draggable: ".board-card",
      filter: ".more, .drop-hint",
      preventOnFilter: false,
      animation: 120,
      ghostClass: "ghost",
      onEnd: move
    });
  });
})();
