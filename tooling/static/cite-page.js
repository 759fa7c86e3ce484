// "Cite this page": show the address the reader has open (without any #fragment), so the
// published pages need not know where the site is hosted.
document.addEventListener("DOMContentLoaded", () => {
  for (const span of document.querySelectorAll(".cite-url")) {
    span.textContent = window.location.href.split("#")[0];
  }
});
