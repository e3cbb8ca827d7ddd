// FSRS-6 scheduler, written to give what the Python `fsrs` package (6.x) gives with fuzzing off:
// the same default parameters, learning steps (1 and 10 minutes), relearning step (10 minutes),
// short-term stability, banker's rounding of intervals and whole elapsed days.
var FSRS = (function () {
  "use strict";
  var W = [0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796, 1.4835,
    0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542];
  var MINUTE = 60000, DAY = 86400000;
  var LEARNING = [1 * MINUTE, 10 * MINUTE], RELEARNING = [10 * MINUTE];
  var RETENTION = 0.9, MAX_INTERVAL = 36500, S_MIN = 0.001;
  var DECAY = -W[20], FACTOR = Math.pow(0.9, 1 / DECAY) - 1;
  var Learning = 1, Review = 2, Relearning = 3;

  function exp(x) { return Math.pow(Math.E, x); }  // Python's math.e ** x
  function clampD(d) { return Math.min(Math.max(d, 1), 10); }
  function clampS(s) { return Math.max(s, S_MIN); }
  function roundHalfEven(x) {
    var r = Math.round(x);
    return (Math.abs(x % 1) === 0.5 && r % 2 !== 0) ? r - 1 : r;
  }
  function initialStability(g) { return clampS(W[g - 1]); }
  function initialDifficulty(g, clamp) { var d = W[4] - exp(W[5] * (g - 1)) + 1; return clamp ? clampD(d) : d; }
  function nextInterval(s) {
    var i = roundHalfEven((s / FACTOR) * (Math.pow(RETENTION, 1 / DECAY) - 1));
    return Math.min(Math.max(i, 1), MAX_INTERVAL);
  }
  function shortTerm(s, g) {
    var inc = exp(W[17] * (g - 3 + W[18])) * Math.pow(s, -W[19]);
    if (g > 1) inc = Math.max(inc, 1);
    return clampS(s * inc);
  }
  function nextDifficulty(d, g) {
    var delta = -(W[6] * (g - 3));
    var arg2 = d + (10 - d) * delta / 9;
    return clampD(W[7] * initialDifficulty(4, false) + (1 - W[7]) * arg2);
  }
  function retrievability(card, now) {
    if (card.last_review == null || card.stability == null) return 0;
    var days = Math.max(0, Math.floor((now - card.last_review) / DAY));
    return Math.pow(1 + FACTOR * days / card.stability, DECAY);
  }
  function nextStability(d, s, r, g) {
    var out;
    if (g === 1) {
      out = Math.min(W[11] * Math.pow(d, -W[12]) * (Math.pow(s + 1, W[13]) - 1) * exp((1 - r) * W[14]),
        s / exp(W[17] * W[18]));
    } else {
      out = s * (1 + exp(W[8]) * (11 - d) * Math.pow(s, -W[9]) * (exp((1 - r) * W[10]) - 1)
        * (g === 2 ? W[15] : 1) * (g === 4 ? W[16] : 1));
    }
    return clampS(out);
  }
  function newCard() { return { state: Learning, step: 0, stability: null, difficulty: null, due: null, last_review: null }; }

  // One review: `card` as newCard() makes it (times in epoch milliseconds), rating 1-4, `now` in ms.
  function review(card, g, now) {
    var c = Object.assign({}, card), interval;
    var elapsed = c.last_review != null ? Math.floor((now - c.last_review) / DAY) : null;
    var sameDay = elapsed !== null && elapsed < 1;
    if (c.state === Learning && (c.stability == null || c.difficulty == null)) {
      c.stability = initialStability(g);
      c.difficulty = initialDifficulty(g, true);
    } else if (sameDay) {
      c.stability = shortTerm(c.stability, g);
      c.difficulty = nextDifficulty(c.difficulty, g);
    } else {
      c.stability = nextStability(c.difficulty, c.stability, retrievability(c, now), g);
      c.difficulty = nextDifficulty(c.difficulty, g);
    }
    if (c.state === Review) {
      if (g === 1) { c.state = Relearning; c.step = 0; interval = RELEARNING[0]; }
      else interval = nextInterval(c.stability) * DAY;
    } else {
      var steps = c.state === Learning ? LEARNING : RELEARNING;
      var graduate = function () { c.state = Review; c.step = null; return nextInterval(c.stability) * DAY; };
      if (c.step >= steps.length && g > 1) interval = graduate();
      else if (g === 1) { c.step = 0; interval = steps[0]; }
      else if (g === 2) {
        interval = c.step === 0 && steps.length === 1 ? steps[0] * 1.5
          : c.step === 0 ? (steps[0] + steps[1]) / 2 : steps[c.step];
      } else if (g === 3) {
        if (c.step + 1 === steps.length) interval = graduate();
        else { c.step += 1; interval = steps[c.step]; }
      } else interval = graduate();
    }
    c.due = now + interval;
    c.last_review = now;
    return c;
  }
  return { review: review, newCard: newCard, Learning: Learning, Review: Review, Relearning: Relearning };
})();
if (typeof module !== "undefined") module.exports = FSRS;
