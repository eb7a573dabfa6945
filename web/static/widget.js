/*
 * The clinic's chat widget: Rasa's socket.io channel through the official socket.io client.
 *
 * - Keeps the conversation (session id, its token and the messages) in localStorage, so it
 *   survives a page reload and a closed tab for as long as Rasa's session lasts; Rasa's
 *   socket.io channel with session_persistence continues the same tracker under that session
 *   id. The server lets the widget back into its session with the token it gave with the id
 *   (components/session_tokens.py); without it, or when the server no longer takes it, the
 *   server starts a new session and the widget a new conversation.
 * - Renders every message as text (never as HTML), links only web addresses and the clinic's
 *   configured phone numbers (tel:), shows the bot's buttons as real <button>s, and shows a
 *   reply that Rasa marks {"urgency": "emergency"} as an alarm with a call button, and one
 *   marked {"urgency": "crisis"} with call buttons for the help lines; after a crisis reply,
 *   the help line stays in view above the conversation.
 * - Clears its copy of the conversation when the patient has had their data deleted.
 * - All the words around the bot's replies come from data-text-* attributes of the page.
 */
(function () {
  "use strict";

  var STORAGE_KEY = "aftercare-chat";
  var NO_ANSWER_MS = 20000;
  var settings = JSON.parse(document.getElementById("chat-settings").textContent);
  var panel = document.getElementById("chat-panel");
  var launcher = document.getElementById("chat-launcher");
  var log = panel.querySelector(".chat-log");
  var statusLine = panel.querySelector(".chat-status");
  var form = panel.querySelector(".chat-form");
  var input = panel.querySelector(".chat-input");
  var closeButton = panel.querySelector(".chat-close");
  var helpline = panel.querySelector(".chat-helpline");
  var texts = panel.dataset;

  var state = loadState();
  var socket = null;
  var confirmed = false;
  var outbox = [];
  var noAnswerTimer = null;

  // --- Storage ----------------------------------------------------------------------------

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
    return { sessionId: null, sessionToken: null, messages: [], open: false, savedAt: Date.now() };
  }

  function saveState() {
    state.savedAt = Date.now();
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch (error) {
      // Private mode or full storage: the conversation still works, it just won't survive.
    }
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

  function renderMessage(message, index) {
    var item = document.createElement("li");
    item.className = "chat-message chat-message--" + message.from;
    if (message.urgency) item.classList.add("chat-message--" + message.urgency);
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
    if (message.urgency === "emergency") {
      item.setAttribute("role", "alert");
      item.appendChild(
        link(telHref(settings.emergencyNumber), texts.textCallEmergency, "chat-action chat-action--emergency")
      );
    } else if (message.urgency === "crisis") {
      var lines = document.createElement("div");
      lines.className = "chat-actions";
      lines.appendChild(link(telHref(settings.crisisLine), texts.textCallCrisisLine, "chat-action chat-action--crisis"));
      lines.appendChild(link(telHref(settings.emergencyNumber), texts.textCallEmergencyDanger, "chat-action"));
      lines.appendChild(link(telHref(settings.phone), texts.textCallClinic, "chat-action"));
      item.appendChild(lines);
    } else if (message.urgency === "urgent") {
      var actions = document.createElement("div");
      actions.className = "chat-actions";
      actions.appendChild(link(telHref(settings.phone), texts.textCallClinic, "chat-action"));
      actions.appendChild(link(settings.bookingLink, texts.textBook, "chat-action"));
      item.appendChild(actions);
    }
    var isLast = index === state.messages.length - 1;
    if (message.buttons && message.buttons.length && isLast) {
      item.appendChild(renderButtons(message.buttons));
    }
    return item;
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
        send(button.payload, button.title);
      });
      group.appendChild(element);
    });
    return group;
  }

  function render() {
    log.textContent = "";
    state.messages.forEach(function (message, index) {
      log.appendChild(renderMessage(message, index));
    });
    // After a crisis reply, the help line stays in view whatever comes next.
    if (helpline) {
      helpline.hidden = !state.messages.some(function (m) { return m.urgency === "crisis"; });
    }
    log.scrollTop = log.scrollHeight;
  }

  function setStatus(text) {
    statusLine.textContent = text || "";
  }

  // --- Conversation ---------------------------------------------------------------------------

  function send(payload, shownAs) {
    var text = shownAs === undefined ? payload : shownAs;
    state.messages.push({ from: "patient", text: text });
    saveState();
    render();
    outbox.push(payload);
    flush();
    setStatus(texts.textWaiting);
    window.clearTimeout(noAnswerTimer);
    noAnswerTimer = window.setTimeout(function () { setStatus(texts.textNoAnswer); }, NO_ANSWER_MS);
  }

  function flush() {
    if (!socket || !confirmed) return;
    while (outbox.length) {
      socket.emit("user_uttered", { message: outbox.shift(), session_id: state.sessionId });
    }
  }

  function receive(reply) {
    window.clearTimeout(noAnswerTimer);
    setStatus("");
    if (reply && reply.erased === true && !reply.text) {
      // "Delete my data": the server has erased the conversation; so does the browser,
      // keeping only the bot's confirmation.
      state.messages = state.messages.slice(-1).filter(function (m) { return m.from === "bot"; });
    } else if (reply && typeof reply.urgency === "string" && !reply.text) {
      // Rasa sends a reply's custom payload after its text: mark the bot's latest messages.
      for (var i = state.messages.length - 1; i >= 0 && state.messages[i].from === "bot"; i--) {
        state.messages[i].urgency = reply.urgency;
      }
    } else if (reply && typeof reply.text === "string") {
      var buttons = (reply.quick_replies || reply.buttons || []).filter(function (b) {
        return b && typeof b.title === "string" && typeof b.payload === "string";
      });
      state.messages.push({ from: "bot", text: reply.text, buttons: buttons });
    } else {
      return;
    }
    saveState();
    render();
  }

  function connect() {
    if (socket) return;
    setStatus(texts.textConnecting);
    socket = window.io(settings.botUrl, { path: settings.socketPath });
    socket.on("connect", function () {
      socket.emit("session_request", {
        session_id: state.sessionId,
        session_token: state.sessionToken
      });
    });
    socket.on("session_confirm", function (session) {
      var sessionId = typeof session === "string" ? session : session.session_id;
      if (state.sessionId && sessionId !== state.sessionId) {
        // The server started a new session: the messages shown were another conversation's
        // (all but what the patient wrote since, which goes to the new one).
        state.messages = state.messages.slice(state.messages.length - outbox.length);
        render();
      }
      var isNew = sessionId !== state.sessionId;
      state.sessionId = sessionId;
      state.sessionToken = (session && session.session_token) || null;
      confirmed = true;
      saveState();
      setStatus("");
      if (isNew && state.messages.length === 0) {
        // A new conversation opens with the bot's greeting (which repeats the disclaimer).
        socket.emit("user_uttered", { message: "/greet", session_id: state.sessionId });
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

  // --- Opening, closing, keyboard -------------------------------------------------------------

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    state.open = true;
    saveState();
    connect();
    render();
    input.focus();
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    saveState();
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) open(); else close();
  });
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") close();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  });

  if (state.open) open();
})();
