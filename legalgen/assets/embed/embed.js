// legalgen embed: sends the visitor to the document in their language. No cookies, no
// storage, no request but the page it chooses. ?lang=xx picks a language; otherwise the
// browser's languages decide, then the site's default language.
(function () {
  "use strict";
  var root = document.documentElement;
  var locales = (root.getAttribute("data-locales") || "").split(" ");
  var chosen = root.getAttribute("data-default") || locales[0];
  var wanted = [new URLSearchParams(window.location.search).get("lang")]
    .concat(navigator.languages || [navigator.language]);
  for (var i = 0; i < wanted.length; i++) {
    var code = String(wanted[i] || "").toLowerCase().split("-")[0];
    if (locales.indexOf(code) >= 0) {
      chosen = code;
      break;
    }
  }
  window.location.replace(chosen + ".html");
})();
