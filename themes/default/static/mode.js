/* Elder mode (长辈版): remembered across pages. Without JavaScript the header link opens the page at
   #elder, which the stylesheet shows in the same large, high-contrast style. */
(function () {
  var KEY = "nianbao-mode";
  var root = document.documentElement;
  function stored() { try { return localStorage.getItem(KEY); } catch (e) { return null; } }
  function set(mode) {
    root.classList.toggle("elder", mode === "elder");
    try { localStorage.setItem(KEY, mode); } catch (e) { /* private mode: this page only */ }
  }
  if (stored() === "elder" || location.hash === "#elder") { set("elder"); }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-mode]") : null;
    if (!link) { return; }
    event.preventDefault();
    set(link.getAttribute("data-mode"));
    if (location.hash === "#elder") { history.replaceState(null, "", location.pathname + location.search); }
    var other = document.querySelector(link.getAttribute("data-mode") === "elder" ? ".to-normal" : ".to-elder");
    if (other) { other.focus(); }
  });
})();
