// EachVault's gallery, by keyboard. Every page works without this script; it only adds keys.
// Gallery: arrows move between cards, Enter opens one, X selects it for the bulk actions; a card pointed at or
// reached by keys plays its preview (a few silent seconds, fetched only then).
// A generation's page: Left and Right open its neighbours in the results it was opened from, Escape returns there.
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
})();
