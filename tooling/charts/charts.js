/* Draw the book's interactive charts (vega-embed) in the place of their static figures.
 *
 * Each chart is a <div class="vega-chart"> written by analysis/present/interactive.py:
 * data-spec-url names its Vega-Lite specification (next to the page), data-locale the
 * edition's number format and data-replaces the static figure it takes the place of.
 * A chart is drawn when its figure comes near the screen.
 * The static picture is hidden only once the chart is drawn: without JavaScript, or if
 * drawing fails, the reader keeps the picture. The view is exposed as `vegaView` on the
 * container, for the browser tests. */
(function () {
  "use strict";

  function moveIntoFigure(box) {
    var figure = box.dataset.replaces && document.getElementById(box.dataset.replaces);
    if (!figure) return;
    var image = figure.querySelector("img");
    if (image) image.hidden = true;
    var caption = figure.querySelector("figcaption");
    figure.insertBefore(box, caption);
  }

  function draw(box) {
    var target = box.querySelector(".vega-chart-view");
    var options = {
      actions: false,
      renderer: "svg",
      formatLocale: JSON.parse(box.dataset.locale),
      tooltip: { theme: document.documentElement.dataset.theme === "dark" ? "dark" : "light" }
    };
    // the book's dark mode: light text on the page's dark background
    if (document.documentElement.dataset.theme === "dark") options.theme = "dark";
    return vegaEmbed(target, box.dataset.specUrl, options).then(function (result) {
      box.vegaView = result.view;
      moveIntoFigure(box);
      // the bound controls (drop-down lists, sliders) carry the chart's name for screen readers
      box.querySelectorAll(".vega-bind select, .vega-bind input").forEach(function (control) {
        control.setAttribute("aria-describedby", box.id + "-description");
      });
      box.classList.add("vega-chart-ready");
      box.dispatchEvent(new CustomEvent("vega-chart-ready", { bubbles: true }));
    }).catch(function (error) {
      box.classList.add("vega-chart-failed");
      console.warn("chart " + box.id + " not drawn, the static figure stays:", error);
    });
  }

  // A chart (its specification and its data file) is fetched only when it comes near the
  // screen: a reader who never scrolls to it does not download its data.
  function drawAll() {
    if (typeof vegaEmbed !== "function") return;
    var boxes = document.querySelectorAll(".vega-chart[data-spec-url]");
    if (!("IntersectionObserver" in window)) {
      boxes.forEach(draw);
      return;
    }
    var watcher = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        watcher.unobserve(entry.target);
        draw(entry.target.vegaChart || entry.target);
      });
    }, { rootMargin: "400px 0px" });
    boxes.forEach(function (box) {
      // watch the static figure the chart will replace: that is where the reader looks
      var figure = box.dataset.replaces && document.getElementById(box.dataset.replaces);
      if (figure && figure !== box) {
        figure.vegaChart = box;
        watcher.observe(figure);
      } else {
        watcher.observe(box);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
