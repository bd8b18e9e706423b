// Quick exit: leave for a neutral site at once. location.replace puts the neutral site in place of
// this page in the history, so Back does not bring Haven back. Without JavaScript the link still
// goes there (as a normal link).
(function () {
  "use strict";
  var link = document.getElementById("quick-exit");
  if (!link) {
    return;
  }
  link.addEventListener("click", function (event) {
    event.preventDefault();
    document.body.style.visibility = "hidden";
    document.title = "";
    window.location.replace(link.href);
  });
})();
