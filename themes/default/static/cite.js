// "Cite this edition": shows the copy buttons and copies the citation or the
// BibTeX entry. Without JavaScript the buttons stay hidden and the text can be
// selected and copied by hand; the downloads are plain links.
(() => {
  "use strict";
  const box = document.querySelector(".cite");
  if (!box) return;
  const status = box.querySelector(".cite-status");
  const say = (key) => {
    if (status) status.textContent = status.dataset[key] || "";
  };
  // The Clipboard API needs a secure context (https, localhost) and may still
  // refuse (an unfocused window, a denied permission); pages over plain http
  // and refused writes fall back to a selection and execCommand.
  const copy = async (text) => {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return;
      } catch {
        // fall through to the selection
      }
    }
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "cite-scratch";
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    if (!ok) throw new Error("copy refused");
  };
  box.querySelectorAll("button[data-copy]").forEach((button) => {
    const target = document.getElementById(button.dataset.copy);
    if (!target) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      // The citation as one line; the BibTeX entry exactly as shown.
      const text = target.tagName === "PRE" ? target.textContent : target.textContent.replace(/\s+/g, " ").trim();
      try {
        await copy(text);
        say("copied");
      } catch {
        say("failed");
      }
    });
  });
})();
