// The search page: Pagefind's interface over the edition's own index (chosen by <html lang>),
// from the site's one copy of Pagefind (../pagefind/). Its settings come from the page
// (#search-settings, written by the pagefind_search extension): the interface's words in
// the edition's language and the look-alike characters the index puts in numbers.
(() => {
  const settings = JSON.parse(document.getElementById("search-settings").textContent);
  const marks = Object.entries(settings.numberMarks);  // [printed, in the index]

  // A query is read as the index was written: "-9,4" with a hyphen is −9,4 (the true minus
  // the book prints), and digit groups typed with a space are one number (18 850 = 18850).
  function processTerm(term) {
    return term
      .replace(/(^|[\s(])-(?=\d)/g, "$1\u2212")
      .replace(/(\d)[\s\u00a0\u202f](?=\d{3}(?!\d))/g, "$1");
  }

  // Excerpts are cut from the index copy: put back the separators the page prints.
  function printed(text) {
    let result = text;
    for (const [shown, indexed] of marks) result = result.split(indexed).join(shown);
    return result;
  }

  function processResult(result) {
    result.excerpt = printed(result.excerpt);
    for (const sub of result.sub_results || []) {
      sub.excerpt = printed(sub.excerpt);
      sub.title = printed(sub.title);
    }
    if (result.meta && result.meta.title) result.meta.title = printed(result.meta.title);
    return result;
  }

  function start() {
    const ui = new PagefindUI({
      element: "#search",
      showSubResults: true,
      showImages: false,
      resetStyles: false,
      excerptLength: 24,
      autofocus: true,
      translations: settings.translations,
      processTerm,
      processResult,
    });
    // Pagefind names its field only by a title; give it an accessible name
    const field = document.querySelector("#search .pagefind-ui__search-input");
    if (field) field.setAttribute("aria-label", settings.translations.search_label);
    const query = new URLSearchParams(window.location.search).get("q");
    if (query) ui.triggerSearch(query);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
