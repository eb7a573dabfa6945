/*
 * The chat widget on the clinic's own site, with one tag (served as /embed.js by web/server.py,
 * which puts the widget's markup, filled in from clinic.yml, in place of the marker below):
 *
 *   <script src="https://chat.clinic.example/embed.js" async
 *           data-bot-url="https://bot.clinic.example"
 *           data-clinic-name="Example Clinic"></script>
 *
 * It adds the widget's markup to the page, then its style sheet, the socket.io client and
 * widget.js, all from the server the script came from. data-bot-url (where browsers reach
 * the bot) and data-clinic-name (the name in the widget's header) are optional: the server's
 * BOT_URL and clinic.yml's name otherwise. The page's origin must be one the bot accepts
 * (CLINIC_WEBSITE_ORIGIN), and a page on https:// needs the bot on https:// (wss://).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || document.getElementById("chat-panel")) return; // once per page
  var base = new URL(script.src, window.location.href);
  var origin = base.origin;
  var markup = /* WIDGET_MARKUP */ null;

  var holder = document.createElement("div");
  holder.innerHTML = markup;
  var settingsElement = holder.querySelector("#chat-settings");
  var settings = JSON.parse(settingsElement.textContent);
  if (script.dataset.botUrl) settings.botUrl = script.dataset.botUrl;
  settings.reminderUrl = origin + settings.reminderUrl; // the reminder comes from this server
  settingsElement.textContent = JSON.stringify(settings);
  if (script.dataset.clinicName) {
    holder.querySelector(".chat-clinic-name").textContent = script.dataset.clinicName;
  }
  var logo = holder.querySelector(".chat-logo");
  if (logo && !/^https?:/.test(logo.getAttribute("src"))) {
    logo.src = origin + logo.getAttribute("src");
  }

  var style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = origin + "/static/widget.css";
  document.head.appendChild(style);
  while (holder.firstChild) document.body.appendChild(holder.firstChild);

  function load(path, then) {
    var tag = document.createElement("script");
    tag.src = origin + path;
    tag.onload = then;
    document.body.appendChild(tag);
  }
  load("/static/socket.io.min.js", function () { load("/static/widget.js"); });
})();
