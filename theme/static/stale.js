/* Optional, and the page reads correctly without it (every time shows the site's zone; the footer says when the
   page was built). With it:
   - if the reader's clock says this page is older than it should be while something is open, it says so;
   - beside each time, when the reader's own zone differs from the site's at that moment, the reader's local time.
   The words come from the page (data-* attributes of this script's element, in the page's language). */
(function () {
  var script = document.currentScript;
  // the language of the page's words (English on a page in a language no catalog ships), for dates and numbers
  var lang = (script && script.getAttribute("data-lang")) || document.documentElement.lang || "en";
  var words = function (name, fallback) {
    return (script && script.getAttribute("data-" + name)) || fallback;
  };

  var note = document.getElementById("stale");
  if (note) {
    var built = Date.parse(note.getAttribute("data-built"));
    var limit = Number(note.getAttribute("data-stale-minutes")) * 60000;
    var age = Date.now() - built;
    if (age > limit) {
      var minutes = Math.round(age / 60000);
      var ago = minutes < 120 ? minutes + " minutes ago" : Math.round(minutes / 60) + " hours ago";
      if (window.Intl && Intl.RelativeTimeFormat) {
        var relative = new Intl.RelativeTimeFormat(lang, {numeric: "always"});
        ago = minutes < 120 ? relative.format(-minutes, "minute") : relative.format(-Math.round(minutes / 60), "hour");
      }
      note.textContent = words("stale", "This page was built {ago} and has not been updated since, although " +
        "something is still open. Newer updates may exist; if you can, check again later or contact us.")
        .replace("{ago}", ago);
      note.hidden = false;
    }
  }

  if (!(window.Intl && Intl.DateTimeFormat)) return;
  // 24-hour, as the site writes its own times
  var format = new Intl.DateTimeFormat(lang, {month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
                                              hourCycle: "h23", timeZoneName: "short"});
  var label = words("local", "({time} your time)");
  var times = document.querySelectorAll("time[datetime]");
  for (var i = 0; i < times.length; i++) {
    var value = times[i].getAttribute("datetime");
    // The site's offset at that moment, as the page wrote it ("2026-11-22T14:00:00-06:00"); a date alone has none.
    var offset = /([+-])(\d\d):(\d\d)$/.exec(value);
    if (!offset) continue;
    var moment = new Date(value);
    if (isNaN(moment)) continue;
    var site = (offset[1] === "-" ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]));
    if (site === -moment.getTimezoneOffset()) continue;  // the reader's zone agrees with the site's then
    var local = document.createElement("span");
    local.className = "local-time";
    local.textContent = " " + label.replace("{time}", format.format(moment));
    times[i].parentNode.insertBefore(local, times[i].nextSibling);
  }
})();
