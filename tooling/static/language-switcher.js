// Switching language keeps the reader's place: when a language is chosen, its link gets
// the anchor of what the reader is looking at, in the form every edition shares. A
// figure's or table's label (#fig-…) is the same in each edition; a section is named by
// its position (#section-2-1, given by language_switcher.py), since its own id comes
// from its title. With no anchor in the address, the section at the top of the window
// is taken. Without scripts the link opens the other edition's page at its top.
(() => {
  const POSITION = /^section-\d+(-\d+)*$/;
  const OWN_ID = /^id\d+$/;  // ids docutils makes up, which differ between editions

  function positionOf(section) {
    const marker = section && section.querySelector(':scope > span[id^="section-"]');
    if (marker && POSITION.test(marker.id)) return marker.id;
    return section && POSITION.test(section.id) ? section.id : "";
  }

  function anchorFromHash() {
    let id = "";
    try { id = decodeURIComponent(window.location.hash.slice(1)); } catch (error) { return ""; }
    const target = id && document.getElementById(id);
    if (!target) return "";
    if (POSITION.test(id)) return id;
    if (target.tagName === "SECTION") return positionOf(target);
    if (!OWN_ID.test(id) && target.closest("article")) return id;
    return positionOf(target.closest("section"));
  }

  function anchorFromScroll() {
    const article = document.querySelector("article.bd-article") || document.querySelector("main");
    if (!article || window.scrollY < 50) return "";
    let current = "";
    for (const section of article.querySelectorAll("section")) {
      if (section.getBoundingClientRect().top > 80) break;
      current = positionOf(section) || current;
    }
    return current;
  }

  function keepPlace(link) {
    const base = link.getAttribute("href").split("#")[0];
    const anchor = anchorFromHash() || anchorFromScroll();
    link.setAttribute("href", anchor ? `${base}#${anchor}` : base);
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const link of document.querySelectorAll("nav.language-switcher a[hreflang]")) {
      for (const event of ["pointerdown", "focus", "click"]) {
        link.addEventListener(event, () => keepPlace(link));
      }
    }
  });
})();
