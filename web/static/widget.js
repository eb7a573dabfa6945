/*
 * The clinic's chat widget: Rasa's socket.io channel through the official socket.io client.
 *
 * - Shows the privacy notice first: nothing is sent, and no connection is made, until the
 *   patient agrees. The agreement (the notice's version) goes with the session request; the
 *   server checks the version and stores it, with its own time, with the conversation
 *   (components/socketio_channel.py). Declining gives the clinic's phone and the emergency
 *   number.
 * - Keeps the conversation (session id, its token, the messages, the consent) in
 *   localStorage, so it survives a page reload and a closed tab for as long as Rasa's session
 *   lasts; Rasa's socket.io channel with session_persistence continues the same tracker under
 *   that session id. The server lets the widget back into its session with the token it gave
 *   with the id (components/session_tokens.py); without it, or when the server no longer
 *   takes it, the server starts a new session and the widget a new conversation.
 * - Renders every message as text (never as HTML), links only web addresses and the clinic's
 *   configured phone numbers (tel:), shows the bot's buttons as real <button>s, and shows a
 *   reply that Rasa marks {"urgency": "emergency"} as an alarm with a call button, one marked
 *   {"urgency": "crisis"} with call buttons for the help lines, and a referral ("urgent",
 *   "routine") with Call and Book buttons; after a crisis reply, the help line stays in view.
 * - Appends only new messages to the role=log live region (a screen reader reads each once),
 *   and scrolls a new reply's first line, or its urgent or emergency message, to the top of
 *   the view: what follows in the same turn never pushes it out.
 * - Shows "typing" for at least MIN_TYPING_MS while the bot works; timestamps in local time.
 * - A menu: "Start over" (Rasa's /restart, also in the middle of the check), "Delete my data"
 *   (the bot asks to confirm, then erases; the widget clears its copy) and "Clear from this
 *   device".
 * - All the words around the bot's replies come from the page (data-text-* attributes).
 */
(function () {
  "use strict";

  var STORAGE_KEY = "aftercare-chat";
  var NO_ANSWER_MS = 20000;
  var MIN_TYPING_MS = 700; // the typing indicator shows at least this long
  var GATHER_MS = 150; // the replies of one turn arrive as several messages: shown together
  var TYPE_PAYLOAD = "widget:type"; // a reply button that only puts the cursor in the box
  var settings = JSON.parse(document.getElementById("chat-settings").textContent);
  var panel = document.getElementById("chat-panel");
  var launcher = document.getElementById("chat-launcher");
  var log = panel.querySelector(".chat-log");
  var statusLine = panel.querySelector(".chat-status");
  var form = panel.querySelector(".chat-form");
  var input = panel.querySelector(".chat-input");
  var closeButton = panel.querySelector(".chat-close");
  var helpline = panel.querySelector(".chat-helpline");
  var menuButton = panel.querySelector(".chat-menu-button");
  var menu = panel.querySelector(".chat-menu");
  var confirmBox = panel.querySelector(".chat-confirm");
  var notice = panel.querySelector(".chat-notice");
  var consentView = panel.querySelector(".chat-consent");
  var declinedView = panel.querySelector(".chat-declined");
  var texts = panel.dataset;

  var state = loadState();
  var socket = null;
  var confirmed = false;
  var outbox = [];
  var noAnswerTimer = null;
  var pending = []; // replies received, shown together once the typing indicator has shown
  var pendingTimer = null;
  var typingSince = 0;
  var rendered = 0; // how many of state.messages are in the log
  var declined = false;

  // --- Storage ----------------------------------------------------------------------------

  function freshState(open) {
    return {
      sessionId: null, sessionToken: null, messages: [], open: !!open, savedAt: Date.now(),
      consent: null
    };
  }

  function loadState() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(STORAGE_KEY));
      var maxAge = settings.sessionMinutes * 60 * 1000;
      if (saved && Array.isArray(saved.messages) && Date.now() - saved.savedAt < maxAge) {
        return saved;
      }
    } catch (error) {
      // Unreadable or unavailable storage: start a new conversation.
    }
    return freshState(false);
  }

  function saveState() {
    state.savedAt = Date.now();
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch (error) {
      // Private mode or full storage: the conversation still works, it just won't survive.
    }
  }

  function consented() {
    return !!(state.consent && state.consent.version === settings.privacyNoticeVersion);
  }

  // --- Rendering ----------------------------------------------------------------------------

  function telHref(number) {
    return "tel:" + number.replace(/[^\d+]/g, "");
  }

  function link(href, label, className) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = label;
    if (className) a.className = className;
    if (/^https?:/.test(href)) {
      a.target = "_blank";
      a.rel = "noopener noreferrer";
    }
    return a;
  }

  /** Appends text to node as text nodes, with web addresses and the clinic's numbers linked. */
  function appendLinkified(node, text) {
    var numbers = [settings.phone, settings.emergencyNumber, settings.crisisLine, settings.adviceLine]
      .filter(Boolean)
      .sort(function (a, b) { return b.length - a.length; })
      .map(function (n) { return n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
    var pattern = new RegExp(
      "(https?://[^\\s<>\"')]+[^\\s<>\"').,;:!?])" +
      (numbers.length ? "|(?<![\\d+])(" + numbers.join("|") + ")(?!\\d)" : ""),
      "g"
    );
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      node.appendChild(document.createTextNode(text.slice(last, match.index)));
      if (match[1]) {
        node.appendChild(link(match[1], match[1]));
      } else {
        node.appendChild(link(telHref(match[2]), match[2], "chat-tel"));
      }
      last = pattern.lastIndex;
    }
    node.appendChild(document.createTextNode(text.slice(last)));
  }

  function timeOf(at) {
    var when = new Date(at);
    var time = document.createElement("time");
    time.className = "chat-time";
    time.dateTime = when.toISOString();
    time.textContent = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    return time;
  }

  function referralActions() {
    var actions = document.createElement("div");
    actions.className = "chat-actions";
    actions.appendChild(link(telHref(settings.phone), texts.textCallClinic, "chat-action"));
    actions.appendChild(link(settings.bookingLink, texts.textBook, "chat-action"));
    return actions;
  }

  function renderMessage(message) {
    var item = document.createElement("div");
    item.className = "chat-message chat-message--" + message.from;
    var who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = (message.from === "patient" ? texts.textYou : texts.textBot) + ": ";
    item.appendChild(who);
    var body = document.createElement("p");
    if (message.from === "bot") {
      appendLinkified(body, message.text);
    } else {
      body.textContent = message.text;
    }
    item.appendChild(body);
    if (message.at) {
      var said = document.createElement("span");
      said.className = "visually-hidden chat-time-said";
      said.textContent = texts.textAt + " ";
      item.appendChild(said);
      item.appendChild(timeOf(message.at));
    }
    decorate(item, message);
    addReminder(item, message);
    if (message.buttons && message.buttons.length) {
      item.appendChild(renderButtons(message.buttons));
    }
    return item;
  }

  /** The urgency's look and buttons; the urgency may come after the message (receive). */
  function decorate(item, message) {
    if (!message.urgency || item.dataset.urgency === message.urgency) return;
    item.dataset.urgency = message.urgency;
    item.classList.add("chat-message--" + message.urgency);
    // The buttons go under the message's text, before its time and the reply buttons.
    var anchor = item.querySelector(".chat-time-said") || item.querySelector(".chat-replies");
    if (message.urgency === "emergency") {
      item.setAttribute("role", "alert");
      item.insertBefore(
        link(telHref(settings.emergencyNumber), texts.textCallEmergency, "chat-action chat-action--emergency"),
        anchor
      );
    } else if (message.urgency === "crisis") {
      var lines = document.createElement("div");
      lines.className = "chat-actions";
      lines.appendChild(link(telHref(settings.crisisLine), texts.textCallCrisisLine, "chat-action chat-action--crisis"));
      lines.appendChild(link(telHref(settings.emergencyNumber), texts.textCallEmergencyDanger, "chat-action"));
      lines.appendChild(link(telHref(settings.phone), texts.textCallClinic, "chat-action"));
      item.insertBefore(lines, anchor);
    } else if (message.urgency === "urgent" || message.urgency === "routine") {
      item.insertBefore(referralActions(), anchor);
    }
  }

  /** "Add a reminder to my calendar": an .ics of the day, with no symptom (web/reminder.py). */
  function addReminder(item, message) {
    if (!message.reminder || item.querySelector(".chat-reminder")) return;
    var reminder = link(
      settings.reminderUrl + "?date=" + encodeURIComponent(message.reminder),
      texts.textReminder,
      "chat-action chat-reminder"
    );
    reminder.setAttribute("download", "aftercare-reminder.ics");
    var actions = document.createElement("div");
    actions.className = "chat-actions";
    actions.appendChild(reminder);
    item.insertBefore(actions, item.querySelector(".chat-time-said") || item.querySelector(".chat-replies"));
  }

  function renderButtons(buttons) {
    var group = document.createElement("div");
    group.className = "chat-replies";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", texts.textReplies);
    buttons.forEach(function (button) {
      var element = document.createElement("button");
      element.type = "button";
      element.className = "chat-reply";
      element.textContent = button.title;
      element.addEventListener("click", function () {
        if (button.payload !== TYPE_PAYLOAD) send(button.payload, button.title);
        input.focus(); // the keyboard goes on where the patient types
      });
      group.appendChild(element);
    });
    return group;
  }

  /** Appends the messages not yet in the log; only the last message keeps its buttons. */
  function renderNew() {
    if (rendered < state.messages.length) {
      log.querySelectorAll(".chat-replies").forEach(function (group) { group.remove(); });
    }
    for (var i = rendered; i < state.messages.length; i++) {
      var message = state.messages[i];
      var isLast = i === state.messages.length - 1;
      log.appendChild(renderMessage(isLast ? message : withoutButtons(message)));
    }
    rendered = state.messages.length;
    // After a crisis reply, the help line stays in view whatever comes next.
    if (helpline) {
      helpline.hidden = !state.messages.some(function (m) { return m.urgency === "crisis"; });
    }
  }

  function withoutButtons(message) {
    var copy = {};
    Object.keys(message).forEach(function (key) { copy[key] = message[key]; });
    copy.buttons = [];
    return copy;
  }

  function resetLog() {
    log.textContent = "";
    rendered = 0;
  }

  /**
   * Scrolls the messages from index `from` on into view: the first urgent or emergency one
   * at the top of the view if there is one, else the first of the bot's.
   */
  function reveal(from) {
    var items = log.children;
    var target = null;
    for (var i = from; i < items.length; i++) {
      var urgency = state.messages[i] && state.messages[i].urgency;
      if (urgency === "emergency" || urgency === "urgent" || urgency === "crisis") {
        target = items[i];
        break;
      }
      if (!target && state.messages[i] && state.messages[i].from === "bot") target = items[i];
    }
    if (target) {
      log.scrollTop = target.offsetTop - parseFloat(getComputedStyle(log).paddingTop);
    } else {
      log.scrollTop = log.scrollHeight;
    }
  }

  /** The index of the first message of the bot's latest turn (for a restored conversation). */
  function lastTurnStart() {
    var i = state.messages.length;
    while (i > 0 && state.messages[i - 1].from === "bot") i--;
    return i;
  }

  function setStatus(text, typing) {
    statusLine.textContent = text || "";
    statusLine.classList.toggle("chat-status--typing", !!typing);
  }

  function showNotice(text) {
    notice.textContent = text || "";
  }

  // --- Views: the privacy notice, declined, the conversation ----------------------------------

  function showView() {
    var agreed = consented();
    consentView.hidden = agreed || declined;
    declinedView.hidden = agreed || !declined;
    log.hidden = !agreed;
    statusLine.hidden = !agreed;
    form.hidden = !agreed;
    menuButton.hidden = !agreed;
    if (!agreed) closeMenu();
  }

  function accept() {
    state.consent = { version: settings.privacyNoticeVersion, at: Date.now() };
    state.open = true;
    declined = false;
    saveState();
    showView();
    connect();
    input.focus();
  }

  function decline() {
    declined = true;
    showView();
    declinedView.querySelector("h3").focus();
  }

  // --- Conversation ---------------------------------------------------------------------------

  function showTyping() {
    typingSince = Date.now();
    setStatus(texts.textWaiting, true);
    window.clearTimeout(noAnswerTimer);
    noAnswerTimer = window.setTimeout(function () { setStatus(texts.textNoAnswer); }, NO_ANSWER_MS);
  }

  function send(payload, shownAs) {
    var text = shownAs === undefined ? payload : shownAs;
    if (text !== null) {
      state.messages.push({ from: "patient", text: text, at: Date.now() });
      saveState();
      renderNew();
      log.scrollTop = log.scrollHeight;
    }
    outbox.push(payload);
    flush();
    showTyping();
  }

  function flush() {
    if (!socket || !confirmed) return;
    while (outbox.length) {
      socket.emit("user_uttered", { message: outbox.shift(), session_id: state.sessionId });
    }
  }

  function receive(reply) {
    pending.push(reply);
    if (pendingTimer) return;
    var wait = Math.max(GATHER_MS, MIN_TYPING_MS - (Date.now() - typingSince));
    pendingTimer = window.setTimeout(showReplies, wait);
  }

  function showReplies() {
    pendingTimer = null;
    window.clearTimeout(noAnswerTimer);
    setStatus("");
    var from = state.messages.length;
    var erased = false;
    pending.splice(0).forEach(function (reply) {
      if (reply && reply.erased === true && !reply.text) {
        // "Delete my data": the server has erased the conversation; so does the browser,
        // keeping only the bot's confirmation.
        state.messages = state.messages.slice(-1).filter(function (m) { return m.from === "bot"; });
        erased = true;
      } else if (reply && typeof reply.urgency === "string" && !reply.text) {
        // Rasa sends a reply's custom payload after its text: mark the bot's latest messages.
        for (var i = state.messages.length - 1; i >= 0 && state.messages[i].from === "bot"; i--) {
          state.messages[i].urgency = reply.urgency;
          if (log.children[i]) decorate(log.children[i], state.messages[i]);
        }
      } else if (reply && typeof reply.review_day === "string" && !reply.text) {
        // A self-care answer's day to come back: offer it for the patient's calendar.
        for (var j = state.messages.length - 1; j >= 0; j--) {
          if (state.messages[j].from !== "bot") break;
          if (/^\d{4}-\d{2}-\d{2}$/.test(reply.review_day)) {
            state.messages[j].reminder = reply.review_day;
            if (log.children[j]) addReminder(log.children[j], state.messages[j]);
            break;
          }
        }
      } else if (reply && typeof reply.text === "string") {
        var buttons = (reply.quick_replies || reply.buttons || []).filter(function (b) {
          return b && typeof b.title === "string" && typeof b.payload === "string";
        });
        state.messages.push({ from: "bot", text: reply.text, buttons: buttons, at: Date.now() });
      }
    });
    saveState();
    if (erased) {
      resetLog();
      from = 0;
    }
    renderNew();
    reveal(Math.min(from, state.messages.length));
  }

  function connect() {
    if (socket) return;
    setStatus(texts.textConnecting);
    socket = window.io(settings.botUrl, { path: settings.socketPath });
    socket.on("connect", function () {
      socket.emit("session_request", {
        session_id: state.sessionId,
        session_token: state.sessionToken,
        consent: state.consent ? { version: state.consent.version } : null
      });
    });
    socket.on("session_confirm", function (session) {
      var sessionId = typeof session === "string" ? session : session.session_id;
      if (state.sessionId && sessionId !== state.sessionId) {
        // The server started a new session: the messages shown were another conversation's
        // (all but what the patient wrote since, which goes to the new one).
        state.messages = state.messages.slice(state.messages.length - outbox.length);
        resetLog();
        renderNew();
      }
      var isNew = sessionId !== state.sessionId;
      state.sessionId = sessionId;
      state.sessionToken = (session && session.session_token) || null;
      confirmed = true;
      saveState();
      setStatus("");
      if (isNew && state.messages.length === 0) {
        // A new conversation opens with the bot's greeting.
        socket.emit("user_uttered", { message: "/greet", session_id: state.sessionId });
        showTyping();
      }
      flush();
    });
    socket.on("bot_uttered", receive);
    socket.on("disconnect", function () {
      confirmed = false;
    });
    socket.on("connect_error", function () {
      confirmed = false;
      setStatus(texts.textOffline);
    });
  }

  function disconnect() {
    if (socket) {
      socket.off();
      socket.disconnect();
    }
    socket = null;
    confirmed = false;
    outbox = [];
    pending = [];
    window.clearTimeout(pendingTimer);
    pendingTimer = null;
    window.clearTimeout(noAnswerTimer);
    setStatus("");
  }

  // --- The menu: start over, delete my data, clear from this device ----------------------------

  function openMenu() {
    menu.hidden = false;
    menuButton.setAttribute("aria-expanded", "true");
    menu.querySelector("button").focus();
  }

  function closeMenu() {
    menu.hidden = true;
    menuButton.setAttribute("aria-expanded", "false");
  }

  var onConfirm = null;

  function askToConfirm(question, yes, then) {
    closeMenu();
    confirmBox.querySelector("p").textContent = question;
    confirmBox.querySelector(".chat-confirm-yes").textContent = yes;
    confirmBox.querySelector(".chat-confirm-no").textContent = texts.textCancel;
    onConfirm = then;
    confirmBox.hidden = false;
    confirmBox.querySelector(".chat-confirm-yes").focus();
  }

  function endConfirm(agreed) {
    confirmBox.hidden = true;
    var then = onConfirm;
    onConfirm = null;
    if (agreed && then) {
      then();
    } else {
      showNotice(texts.textCancelled);
      menuButton.focus();
    }
  }

  function startOver() {
    // Rasa's /restart: the tracker forgets the answers, also in the middle of the check; its
    // reply (utter_restart) opens the new conversation on screen.
    outbox = [];
    state.messages = [];
    saveState();
    resetLog();
    if (helpline) helpline.hidden = true;
    showNotice(texts.textRestarted);
    send("/restart", null);
    input.focus();
  }

  function clearDevice() {
    disconnect();
    try {
      window.localStorage.removeItem(STORAGE_KEY);
    } catch (error) {
      // Nothing stored.
    }
    state = freshState(true);
    state.open = false; // nothing is written again until the patient agrees
    resetLog();
    if (helpline) helpline.hidden = true;
    declined = false;
    showView();
    showNotice(texts.textCleared);
    consentView.querySelector(".chat-consent-accept").focus();
  }

  menuButton.addEventListener("click", function () {
    if (menu.hidden) openMenu(); else closeMenu();
  });
  menu.addEventListener("click", function (event) {
    var action = event.target.closest("button") && event.target.closest("button").dataset.action;
    if (action === "restart") {
      askToConfirm(texts.textConfirmRestart, texts.textConfirmRestartYes, startOver);
    } else if (action === "delete") {
      // The bot asks to confirm ("Shall I delete it?"), erases, and says so; the widget then
      // clears its copy (receive).
      closeMenu();
      showNotice("");
      send("/delete_data", texts.textDeleteSaid);
      input.focus();
    } else if (action === "clear") {
      askToConfirm(texts.textConfirmClear, texts.textConfirmClearYes, clearDevice);
    }
  });
  confirmBox.querySelector(".chat-confirm-yes").addEventListener("click", function () { endConfirm(true); });
  confirmBox.querySelector(".chat-confirm-no").addEventListener("click", function () { endConfirm(false); });

  // --- Opening, closing, keyboard -------------------------------------------------------------

  var phone = window.matchMedia("(max-width: 480px)");

  function focusables() {
    return Array.prototype.filter.call(
      panel.querySelectorAll("a[href], button, input"),
      function (element) { return !element.disabled && element.getClientRects().length > 0; }
    );
  }

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    if (phone.matches) panel.setAttribute("aria-modal", "true"); else panel.removeAttribute("aria-modal");
    showView();
    if (consented()) {
      state.open = true;
      saveState();
      connect();
      renderNew();
      reveal(lastTurnStart());
      input.focus();
    } else if (!declined) {
      consentView.querySelector(".chat-consent-accept").focus();
    }
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    closeMenu();
    if (consented()) {
      state.open = false;
      saveState();
    }
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) open(); else close();
  });
  closeButton.addEventListener("click", close);
  consentView.querySelector(".chat-consent-accept").addEventListener("click", accept);
  consentView.querySelector(".chat-consent-decline").addEventListener("click", decline);
  declinedView.querySelector(".chat-consent-again").addEventListener("click", function () {
    declined = false;
    showView();
    consentView.querySelector(".chat-consent-accept").focus();
  });
  declinedView.querySelector("h3").tabIndex = -1;
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      if (!confirmBox.hidden) {
        endConfirm(false);
      } else if (!menu.hidden) {
        closeMenu();
        menuButton.focus();
      } else {
        close();
      }
    } else if (event.key === "Tab" && phone.matches) {
      // The full-screen dialog on a phone keeps the keyboard inside it.
      var items = focusables();
      if (!items.length) return;
      var first = items[0];
      var last = items[items.length - 1];
      if (event.shiftKey && (document.activeElement === first || !panel.contains(document.activeElement))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (document.activeElement === last || !panel.contains(document.activeElement))) {
        event.preventDefault();
        first.focus();
      }
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    showNotice("");
    send(text);
  });

  if (state.open && consented()) open();
})();
