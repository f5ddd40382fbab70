// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // A thumbnail that cannot load (offline, or gone from PMC) gives way to the figure's title.
  function watch(img) {
    var box = img.closest(".thumb");
    function broken() { if (box) { box.classList.add("broken"); } }
    img.addEventListener("error", broken);
    if (img.complete && img.naturalWidth === 0 && img.getAttribute("src")) { broken(); }
  }
  document.querySelectorAll("img[data-thumb]").forEach(watch);
  // "/" jumps to the words box, as on many search sites.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable);
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      var box = document.getElementById("q");
      if (box) { event.preventDefault(); box.focus(); }
    }
  });
})();
