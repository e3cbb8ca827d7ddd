// The study page: due cards, then new ones (a daily limit), typed answers, reveal, rating; progress in
// localStorage, scheduled by FSRS (fsrs.js). Card HTML comes from quizgen and is already safe to show.
(function () {
  "use strict";
  var deck = JSON.parse(document.getElementById("qg-deck").textContent);
  var KEY = "quizgen:" + deck.key, NEW_PER_DAY = 20;
  var $ = function (id) { return document.getElementById(id); };
  var lexicon = JSON.parse(document.getElementById("qg-lexicon").textContent);
  var grader = GRADING(Object.assign({}, lexicon, { real: [] }));  // until the word list is unpacked
  var ready = GRADING.load(lexicon).then(function (g) { grader = g; });
  var saved = load();
  var queue = [], current = null, done = 0;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY)) || { cards: {}, days: {} }; }
    catch (e) { return { cards: {}, days: {} }; }
  }
  function save() { try { localStorage.setItem(KEY, JSON.stringify(saved)); } catch (e) { /* private mode */ } }
  function today() { var d = new Date(); return d.getFullYear() + "-" + (d.getMonth() + 1) + "-" + d.getDate(); }
  function plan() {
    var now = Date.now(), due = [], fresh = [];
    deck.cards.forEach(function (c) {
      var s = saved.cards[c.id];
      if (!s) fresh.push(c); else if (s.due <= now) due.push(c);
    });
    due.sort(function (a, b) { return saved.cards[a.id].due - saved.cards[b.id].due; });
    var room = Math.max(0, NEW_PER_DAY - (saved.days[today()] || 0));
    queue = due.concat(fresh.slice(0, room));
  }
  function cloze(html, reveal) {
    return html.replace(/\{\{c(\d+)::([\s\S]*?)(?:::([\s\S]*?))?\}\}/g, function (m, n, text, hint) {
      if (n !== "1") return text;
      return reveal ? '<b class="qg-cloze">' + text + "</b>" : '<span class="qg-blank">[' + (hint || "...") + "]</span>";
    });
  }
  function plain(html) { var d = document.createElement("div"); d.innerHTML = html; return d.textContent; }
  function counter() {
    $("qg-count").textContent = done + " done, " + queue.length + " left today" + (current ? " (this one included)" : "");
  }
  function next() {
    plan();
    current = queue[0] || null;
    $("qg-verdict").textContent = ""; $("qg-back").innerHTML = ""; $("qg-answer").value = "";
    $("qg-diff").textContent = ""; $("qg-diff").hidden = true;
    $("qg-rate").hidden = true; $("qg-check").hidden = false;
    if (!current) {
      $("qg-card").hidden = true; $("qg-empty").hidden = false; counter(); return;
    }
    $("qg-card").hidden = false; $("qg-empty").hidden = true;
    $("qg-context").innerHTML = cloze(current.context, false);
    $("qg-front").innerHTML = current.kind === "qa" || !current.answers.length ? current.front : cloze(current.front, false);
    $("qg-answer").hidden = !current.answers.length;
    $("qg-answer").placeholder = current.kind === "mcq" && current.choices.length ? "Number or text (Enter to check)"
      : current.kind === "qa" || grader.needsRecall(current.answers) ? "Optional: type it to compare (Enter)"
      : current.answers.length > 1 ? current.answers.length + " answers, separated by ; (Enter to check)"
      : "Your answer (Enter to check)";
    counter();
    if (!$("qg-answer").hidden) $("qg-answer").focus();
  }
  // What the terminal asks for and how it grades it (quizgen/quiz/session.py's _answer), with its grader.
  function verdictOf(typed) {
    var c = current;
    if (c.kind === "mcq" && c.choices.length) return grader.gradeChoice(typed, c.choices, c.answers);
    if (c.kind === "qa" || !c.answers.length || grader.needsRecall(c.answers)) {
      return typed.trim() && c.answers.length ? grader.grade(typed, c.answers) : null;
    }
    return grader.grade(typed, c.answers, c.kind === "sequence");
  }
  function check() {
    var typed = $("qg-answer").hidden ? "" : $("qg-answer").value, suggested = 3;
    var v = verdictOf(typed);
    $("qg-verdict").textContent = v ? v.explanation : "";
    $("qg-verdict").className = !v ? "" : v.correct ? "qg-right" : v.near ? "qg-near" : "qg-wrong";
    $("qg-diff").textContent = v ? v.diff : "";
    $("qg-diff").hidden = !(v && v.diff);
    if (v) suggested = v.suggested;
    if (current.kind !== "qa" && current.answers.length) $("qg-front").innerHTML = cloze(current.front, true);
    var back = current.back && plain(current.back).trim() !== plain(cloze(current.front, true)).trim() ? current.back : "";
    $("qg-back").innerHTML = back;
    $("qg-check").hidden = true; $("qg-rate").hidden = false;
    Array.prototype.forEach.call(document.querySelectorAll("#qg-rate button"), function (b) {
      b.classList.toggle("qg-suggested", Number(b.dataset.rating) === suggested);
    });
    document.querySelector('#qg-rate button[data-rating="' + suggested + '"]').focus();
  }
  function rate(rating) {
    var before = saved.cards[current.id];
    if (!before) saved.days[today()] = (saved.days[today()] || 0) + 1;
    saved.cards[current.id] = FSRS.review(before || FSRS.newCard(), rating, Date.now());
    save();
    done += 1;
    next();
  }
  function checkWhenReady() { ready.then(check); }
  $("qg-check").addEventListener("click", checkWhenReady);
  $("qg-answer").addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); checkWhenReady(); } });
  Array.prototype.forEach.call(document.querySelectorAll("#qg-rate button"), function (b) {
    b.addEventListener("click", function () { rate(Number(b.dataset.rating)); });
  });
  document.title = deck.title;
  $("qg-title").textContent = deck.title;
  next();
})();
