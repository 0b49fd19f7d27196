// EachVault's gallery. Every page works without this script; it adds keys, live updates and file uploads.
// Gallery: arrows move between cards, Enter opens one, X selects it for the bulk actions; a card pointed at or
// reached by keys plays its preview (a few silent seconds, fetched only then); cards of pending generations are
// replaced as they change (GET /g/cards, every few seconds while any is pending).
// A generation's page: Left and Right open its neighbours in the results it was opened from, Escape returns there;
// while the generation is pending the page reloads once its status changes.
// New generation: a file picked or dropped on a media field is uploaded (POST /g/upload) and its reference fills it.
"use strict";
(function () {
  const memory = "eachvault-results";
  const typing = (element) =>
    element instanceof HTMLElement && (element.isContentEditable || /^(INPUT|SELECT|TEXTAREA|VIDEO|BUTTON)$/.test(element.tagName));
  const modified = (event) => event.altKey || event.ctrlKey || event.metaKey || event.shiftKey;

  function results() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(memory) || "null");
      const local = saved && typeof saved.page === "string" && /^\/(?![\/\\])/.test(saved.page);
      return local && Array.isArray(saved.ids) ? saved : null;
    } catch (error) {
      return null;
    }
  }

  const grid = document.querySelector(".grid[data-results]");
  if (grid) {
    const cards = Array.from(grid.querySelectorAll(".card[data-generation]"));
    const links = cards.map((card) => card.querySelector("a.poster"));
    try {
      sessionStorage.setItem(memory, JSON.stringify({
        ids: cards.map((card) => card.dataset.generation),
        page: location.pathname + location.search,
      }));
    } catch (error) { /* storage refused: no neighbours on the detail page */ }

    for (const card of cards) {
      const box = card.querySelector("input[type=checkbox]");
      if (!box) continue;
      const mark = () => card.classList.toggle("selected", box.checked);
      box.addEventListener("change", mark);
      mark();
    }

    // "Select all" needs this script: without it the button stays hidden.
    const selectAll = document.querySelector("#bulk .select-all");
    const boxes = cards.map((card) => card.querySelector("input[type=checkbox]")).filter((box) => box);
    if (selectAll && boxes.length) {
      selectAll.hidden = false;
      selectAll.addEventListener("click", () => {
        const checked = !boxes.every((box) => box.checked);
        for (const box of boxes) {
          box.checked = checked;
          box.dispatchEvent(new Event("change"));
        }
      });
    }

    const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    cards.forEach((card, index) => {
      const link = links[index];
      if (still || !link || !link.dataset.preview) return;
      const play = () => {
        if (link.querySelector("video.preview")) return;
        const video = document.createElement("video");
        Object.assign(video, { muted: true, loop: true, autoplay: true, playsInline: true });
        video.className = "preview";
        video.setAttribute("aria-hidden", "true");
        video.src = link.dataset.preview;
        link.appendChild(video);
      };
      const stop = () => link.querySelectorAll("video.preview").forEach((video) => video.remove());
      card.addEventListener("mouseenter", play);
      card.addEventListener("mouseleave", () => { if (!card.contains(document.activeElement)) stop(); });
      card.addEventListener("focusin", play);
      card.addEventListener("focusout", (event) => { if (!card.contains(event.relatedTarget)) stop(); });
    });

    // How many cards share the first card's row: the step of Up and Down.
    const columns = () => {
      const top = cards.length ? cards[0].offsetTop : 0;
      return Math.max(1, cards.filter((card) => card.offsetTop === top).length);
    };

    document.addEventListener("keydown", (event) => {
      if (modified(event) || typing(event.target) || links.length === 0) return;
      const current = cards.findIndex((card) => card.contains(document.activeElement));
      let next = current;
      switch (event.key) {
        case "ArrowRight": next = current + 1; break;
        case "ArrowLeft": next = current - 1; break;
        case "ArrowDown": next = current + columns(); break;
        case "ArrowUp": next = current - columns(); break;
        case "x": case "X": {
          const box = current >= 0 ? cards[current].querySelector("input[type=checkbox]") : null;
          if (!box) return;
          box.checked = !box.checked;
          box.dispatchEvent(new Event("change"));
          event.preventDefault();
          return;
        }
        default: return;
      }
      if (current < 0) next = 0;
      next = Math.min(Math.max(next, 0), links.length - 1);
      links[next].focus();
      links[next].scrollIntoView({ block: "nearest" });
      event.preventDefault();
    });
  }

  const detail = document.querySelector("main[data-detail]");
  if (detail) {
    const saved = results();
    const here = detail.dataset.detail;
    document.addEventListener("keydown", (event) => {
      if (modified(event) || typing(event.target)) return;
      if (event.key === "Escape") {
        location.href = saved ? saved.page : "/";
      } else if ((event.key === "ArrowLeft" || event.key === "ArrowRight") && saved) {
        const index = saved.ids.indexOf(here);
        const neighbour = index < 0 ? undefined : saved.ids[index + (event.key === "ArrowRight" ? 1 : -1)];
        if (typeof neighbour !== "string" || !/^[A-Za-z0-9_-]+$/.test(neighbour)) return;
        location.href = "/g/" + neighbour;
      } else {
        return;
      }
      event.preventDefault();
    });
  }

  // Live updates: ask for the cards of generations not yet final, a few seconds apart, until none is left.
  const finalStatuses = ["completed", "failed", "cancelled"];
  function follow(ids, changed) {
    let waiting = ids.filter((id) => /^[A-Za-z0-9_-]{1,64}$/.test(id));
    const look = () => {
      if (waiting.length === 0) return;
      fetch("/g/cards?ids=" + encodeURIComponent(waiting.join(",")), { credentials: "same-origin", cache: "no-store" })
        .then((answer) => (answer.ok ? answer.json() : { cards: [] }))
        .then((answer) => {
          for (const card of answer.cards || []) changed(card);
          waiting = waiting.filter((id) => !(answer.cards || []).some((card) => card.id === id && finalStatuses.includes(card.status)));
        })
        .catch(() => {})
        .finally(() => { if (waiting.length) setTimeout(look, 2000); });
    };
    setTimeout(look, 2000);
  }

  if (grid) {
    const pending = Array.from(grid.querySelectorAll(".card[data-generation]"))
      .filter((card) => !finalStatuses.includes(card.dataset.status)).map((card) => card.dataset.generation);
    follow(pending, (fresh) => {
      const card = grid.querySelector('.card[data-generation="' + fresh.id + '"]');
      if (!card || card.dataset.status === fresh.status) return;
      const box = card.querySelector("input[type=checkbox]");
      const template = document.createElement("template");
      template.innerHTML = fresh.html.trim();
      const replacement = template.content.firstElementChild;
      if (!replacement) return;
      const newBox = replacement.querySelector("input[type=checkbox]");
      if (box && newBox) newBox.checked = box.checked;
      card.replaceWith(replacement);
    });
  }

  if (detail && detail.hasAttribute("data-pending")) {
    follow([detail.dataset.detail], (fresh) => {
      if (fresh.id === detail.dataset.detail && fresh.status !== detail.dataset.status) location.reload();
    });
  }

  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => { if (!confirm(form.dataset.confirm)) event.preventDefault(); });
  }

  // Uploads: the field keeps taking a URL; a picked or dropped file is streamed into the archive instead.
  for (const area of document.querySelectorAll(".upload[data-upload]")) {
    const field = document.getElementById(area.dataset.upload);
    const form = area.closest("form");
    const token = form && form.querySelector("input[name=csrf]");
    const picker = area.querySelector("input[type=file]");
    const state = area.querySelector("[data-upload-state]");
    const thumb = area.querySelector("[data-thumb]");
    if (!field || !token || !picker) continue;
    area.hidden = false;
    const send = (file) => {
      if (!file) return;
      state.textContent = area.dataset.uploading;
      thumb.textContent = "";
      const shown = document.createElement(file.type.startsWith("image/") ? "img" : file.type.startsWith("video/") ? "video" : "audio");
      shown.src = URL.createObjectURL(file);
      if (shown.tagName !== "IMG") shown.controls = true;
      shown.className = "thumbnail";
      thumb.appendChild(shown);
      fetch("/g/upload", {
        method: "POST", body: file, credentials: "same-origin",
        headers: { "Content-Type": file.type || "application/octet-stream", "X-CSRF-Token": token.value },
      })
        .then((answer) => answer.json().then((body) => ({ ok: answer.ok, body })))
        .then(({ ok, body }) => {
          if (!ok || !body.reference) throw new Error((body.error && body.error.message) || "HTTP error");
          field.value = body.reference;
          state.textContent = area.dataset.uploaded + " · " + file.name;
          area.dataset.done = "1";
        })
        .catch((error) => { state.textContent = area.dataset.failed + " " + error.message; });
    };
    picker.addEventListener("change", () => send(picker.files[0]));
    area.addEventListener("dragover", (event) => { event.preventDefault(); area.classList.add("dragging"); });
    area.addEventListener("dragleave", () => area.classList.remove("dragging"));
    area.addEventListener("drop", (event) => {
      event.preventDefault();
      area.classList.remove("dragging");
      send(event.dataTransfer.files[0]);
    });
  }
})();
