// The terminal's grading (quizgen/quiz/grading.py) for the page, function for function, so a typed
// answer gets the same verdict in both. What Python asks wordfreq at run time comes from the lexicon the
// exporter writes into the page (LEX: stopwords, filler, the commonest words, and wordfreq's English
// words, packed: GRADING.load unpacks them); stems come from stem.js. tests/test_web_grading.py compares
// the two.
var GRADING = function (LEX) {
  "use strict";
  var AGAIN = 1, HARD = 2, GOOD = 3;
  var LONG_ANSWER_WORDS = 8, RECALL_GOOD = 0.7, RECALL_HARD = 0.4;
  var EXACT = 0, NORMAL = 1, STEMMED = 2, TYPO = 3, NEAR = 4, WRONG = 5;
  var ARTICLES = { a: 1, an: 1, the: 1 };
  function set(list) { var o = Object.create(null); list.forEach(function (w) { o[w] = 1; }); return o; }
  var STOP = set(LEX.stop), FILLER = set(LEX.filler), COMMON = set(LEX.common), REAL = new Set(LEX.real);
  var SPLIT = /\s*[;|\n]\s*/, NON_WORD = /[^\p{L}\p{N}\s+#]|_/gu;
  var WORD = /(?:[\p{L}\p{N}]|[⁺⁻])+(?:[-'’](?:[\p{L}\p{N}]|[⁺⁻])+)*/gu;

  function G(correct, near, suggested, explanation, diff) {
    return { correct: correct, near: near, suggested: suggested, explanation: explanation, diff: diff || "" };
  }
  function M(level, distance, typed, answer, why) {
    return { level: level, distance: distance, typed: typed, answer: answer, why: why };
  }
  function len(s) { return Array.from(s).length; }
  function strip(s) { return s.replace(/^\s+|\s+$/g, ""); }
  function splitWs(s) { return s.split(/\s+/).filter(Boolean); }
  function repr(s) {
    var q = s.indexOf("'") >= 0 && s.indexOf('"') < 0 ? '"' : "'";
    var body = s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t");
    if (q === "'") body = body.replace(/'/g, "\\'");
    return q + body + q;
  }

  // lexicon.py
  var VARIANTS = [
    [/(?<=[bcgt])re(s|d)?$/, function (m, g) { return "er" + (g || ""); }, 5],
    [/is(e|es|ed|ing|ation|ations|er|ers)$/, function (m, g) { return "iz" + g; }, 6],
    [/ys(e|es|ed|ing|er|ers)$/, function (m, g) { return "yz" + g; }, 6],
    [/our(s|ed|ing|ite|ites|able)?$/, function (m, g) { return "or" + (g || ""); }, 6],
    [/ogue(s)?$/, function (m, g) { return "og" + (g || ""); }, 6],
    [/ae/g, function () { return "e"; }, 6],
    [/oe(?=[^aeiou\W])|oea/g, function (m) { return m === "oe" ? "e" : "ea"; }, 6]
  ];
  function spelling(word) {
    var w = STEM.fold(word);
    VARIANTS.forEach(function (v) { if (len(w) >= v[2]) w = w.replace(v[0], v[1]); });
    return w;
  }
  function wordKey(word) { return STEM.stem(spelling(word)); }
  // lexicon.is_real_word: no digits; a hyphenated word is real when its parts are (wordfreq splits it)
  function isRealWord(word) {
    if (/\p{Nd}/u.test(word)) return false;
    word = word.replace(/\u2019/g, "'");
    if (REAL.has(word)) return true;
    var parts = word.split("-");
    return parts.length > 1 && parts.every(function (p) { return p && REAL.has(p); });
  }
  function isContent(word) { var w = STEM.fold(word); return len(w) > 1 && !STOP[w]; }
  function isKeyWord(word) {
    var w = STEM.fold(word);
    if (len(w) < 2 || STOP[w] || FILLER[w]) return false;
    return /^\p{Nd}+$/u.test(w) || !COMMON[w];
  }
  function words(text) { return text.match(WORD) || []; }

  // grading.py
  function grade(typed, answers, ordered) {
    var expected = ordered ? answers.map(strip).filter(Boolean) : unique(answers);
    if (!expected.length) return G(false, false, GOOD, "Nothing to check: rate yourself.");
    if (!strip(typed)) return G(false, false, AGAIN, "No answer given. Expected: " + expected.join("; "));
    if (needsRecall(expected) && keyWordCount(expected.join(" "))) return gradeRecall(typed, expected);
    var ps = parts(typed, expected);
    var matches = ordered ? inOrder(ps, expected) : assign(ps, expected);
    if (matches.length === 1) return single(matches[0]);
    var verdict = several(matches);
    if (ordered && !verdict.correct && several(assign(ps, expected)).correct) {
      return G(false, true, AGAIN, verdict.explanation + "\nAll there, but not in this order.", verdict.diff);
    }
    return verdict;
  }
  function needsRecall(answers) { return answers.some(function (a) { return splitWs(a).length > LONG_ANSWER_WORDS; }); }
  function keyWordCount(text) { return keyWords(text).keys.length; }
  function gradeRecall(typed, answers) {
    var keys = keyWords(answers.join(" "));
    if (!keys.keys.length) return G(false, false, GOOD, "Compare with the answer and rate yourself.");
    var said = keyWords(typed);
    var missing = keys.keys.filter(function (s) { return !recalled(s, said); }).map(function (s) { return keys.word[s]; });
    var n = keys.keys.length, share = 1 - missing.length / n;
    var lines = ["You recalled " + (n - missing.length) + " of " + n + " key words (" + percent(share) + ")."];
    if (missing.length) lines.push("Missing: " + missing.slice(0, 12).join(", ") + (missing.length > 12 ? ", ..." : ""));
    var text = lines.join("\n");
    if (share >= RECALL_GOOD) return G(true, false, GOOD, text);
    return G(false, share >= RECALL_HARD, share >= RECALL_HARD ? HARD : AGAIN, text);
  }
  function percent(x) {
    var v = x * 100, r = Math.round(v);
    if (Math.abs(v % 1) === 0.5 && r % 2 !== 0) r -= 1;
    return r + "%";
  }
  function gradeChoice(typed, choices, answers) {
    var picked = pickChoice(typed, choices);
    var right = [];
    choices.forEach(function (c, i) { if (answers.some(function (a) { return same(c, a); })) right.push(i); });
    var expected = right.map(function (i) { return (i + 1) + ". " + choices[i]; }).join("; ") || answers.join("; ");
    if (picked === null) {
      var what = !strip(typed) ? "No answer given" : repr(strip(typed)) + " is not one of the choices";
      return G(false, false, AGAIN, what + ". Expected: " + expected);
    }
    var chosen = (picked + 1) + ". " + choices[picked];
    if (right.indexOf(picked) >= 0) return G(true, false, GOOD, "Correct: " + chosen);
    return G(false, false, AGAIN, "Wrong: you chose " + chosen + ". Expected: " + expected);
  }
  function pickChoice(typed, choices) {
    var reply = strip(typed);
    if (/^\p{Nd}+$/u.test(reply)) {
      var n = parseInt(reply, 10);
      return n >= 1 && n <= choices.length ? n - 1 : null;
    }
    if (!reply) return null;
    var scored = choices.map(function (c, i) { var m = compare(reply, c); return [m.level, m.distance, i]; });
    scored.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]; });
    if (!scored.length || scored[0][0] > TYPO) return null;
    if (scored.length > 1 && scored[1][0] === scored[0][0] && scored[1][1] === scored[0][1]) return null;
    return scored[0][2];
  }
  function normalize(text) { return dropArticle(splitWs(unpunct(unaccent(fold(text))))).join(" "); }
  function charDiff(typed, expected) {
    var yours = [], theirs = [], t = Array.from(typed), e = Array.from(expected);
    opcodes(Array.from(caseless(typed)), Array.from(caseless(expected))).forEach(function (op) {
      var a = t.slice(op[1], op[2]).join(""), b = e.slice(op[3], op[4]).join("");
      if (op[0] === "equal") { yours.push(a); theirs.push(b); return; }
      if (op[2] > op[1]) yours.push("[" + a + "]");
      if (op[4] > op[3]) theirs.push("[" + b + "]");
    });
    return "you typed: " + yours.join("") + "\nexpected:  " + theirs.join("");
  }
  function typoAllowance(answer) {
    var n = len(answer.replace(/ /g, ""));
    return n <= 5 ? 0 : n <= 9 ? 1 : n <= 15 ? 2 : 3;
  }
  function single(m) {
    var diff = m.level === TYPO || m.level === NEAR ? diffOf(m) : "";
    if (m.level <= TYPO) return G(true, false, m.level === TYPO ? HARD : GOOD, m.why, diff);
    return G(false, m.level === NEAR, AGAIN, m.why + " Expected: " + m.answer, diff);
  }
  function several(matches) {
    var right = matches.filter(function (m) { return m.level <= TYPO; }).length;
    var lines = [right + " of " + matches.length + " answers right."].concat(matches.map(line));
    var diff = matches.filter(function (m) { return m.level === TYPO || m.level === NEAR; }).map(diffOf).join("\n");
    var correct = right === matches.length;
    var suggested = correct ? (matches.some(function (m) { return m.level === TYPO; }) ? HARD : GOOD) : AGAIN;
    var near = !correct && matches.every(function (m) { return m.level <= NEAR; });
    return G(correct, near, suggested, lines.join("\n"), diff);
  }
  function diffOf(m) {
    var t = normalize(m.typed), a = normalize(m.answer);
    if (reorderedDistance(t, a) >= distance(t, a)) return charDiff(m.typed, m.answer);
    var theirs = splitWs(unpunct(m.answer)).filter(isContent), ordered = [];
    var mine = splitWs(unpunct(m.typed)).filter(isContent);
    mine.forEach(function (word) {
      var best = minBy(theirs, function (w) { return wordDistance(fold(word), fold(w)); });
      ordered.push(best);
      theirs.splice(theirs.indexOf(best), 1);
    });
    return charDiff(mine.join(" "), ordered.join(" "));
  }
  function line(m) {
    if (m.level <= TYPO) return "  ok: " + m.answer + (m.level === EXACT ? "" : " (" + m.why + ")");
    if (!m.typed) return "  missed: " + m.answer + " (not given)";
    return "  missed: " + m.answer + " (you typed " + repr(m.typed) + (m.level === NEAR ? ", close" : "") + ")";
  }
  function parts(typed, answers) {
    var wanted = answers.length;
    var ps = strip(typed).split(SPLIT).filter(Boolean);
    if (wanted > 1 && ps.length < wanted && typed.indexOf(",") >= 0) {
      ps = typed.split(/[;|\n,]/).map(strip).filter(Boolean);
    }
    if (wanted === 1) {
      var keys = set(ps.map(function (p) { return normalize(p) || p; }));
      var repeated = ps.length > 1 && Object.keys(keys).length === 1 && !SPLIT.test(answers[0]);
      return repeated ? ps.slice(0, 1) : [strip(typed)];
    }
    return ps;
  }
  function inOrder(ps, answers) {
    return answers.map(function (a, i) {
      return i < ps.length ? compare(ps[i], a) : M(WRONG, len(a), "", a, "Not given.");
    });
  }
  function assign(ps, answers) {
    var unused = ps.slice();
    return answers.map(function (answer) {
      if (!unused.length) return M(WRONG, len(answer), "", answer, "Not given.");
      var best = minBy(unused.map(function (p) { return compare(p, answer); }),
        function (m) { return m.level * 1e6 + m.distance; });
      unused.splice(unused.indexOf(best.typed), 1);
      return best;
    });
  }
  function compare(typed, answer) {
    typed = strip(typed); answer = strip(answer);
    if (typed === answer) return M(EXACT, 0, typed, answer, "Correct.");
    var reasons = equalAfter(typed, answer);
    if (reasons !== null) return M(NORMAL, 0, typed, answer, "Correct, ignoring " + join(reasons) + ".");
    var t = normalize(typed), a = normalize(answer);
    if (!a) return M(WRONG, len(answer), typed, answer, "Wrong.");
    if (stems(t) === stems(a)) return M(STEMMED, 0, typed, answer, "Correct, apart from word endings (plural or inflection).");
    if (keysOf(t).join(" ") === keysOf(a).join(" ")) return M(STEMMED, 0, typed, answer, "Correct, in another spelling (British or American).");
    if (termWords(a).length > 1 && sorted(termWords(t)) === sorted(termWords(a))) {
      return M(STEMMED, 0, typed, answer, "Correct, in another word order.");
    }
    var d = Math.min(distance(t, a), distance(stems(t), stems(a)), reorderedDistance(t, a));
    var allowed = typoAllowance(a), others = otherRealWords(t, a);
    if (d <= allowed && digits(t) === digits(a) && !others.length) {
      return M(TYPO, d, typed, answer, "Accepted with a typo (" + letters(d) + " off).");
    }
    if (d <= 2 * allowed + 1 || ratio(Array.from(t), Array.from(a)) >= 0.75) {
      if (others.length) {
        var said = join(others.map(repr)), one = others.length === 1;
        return M(NEAR, d, typed, answer, "Close, but " + said + " " + (one ? "is a" : "are") + " different word" + (one ? "" : "s") + ".");
      }
      return M(NEAR, d, typed, answer, "Close, but " + letters(d) + " off.");
    }
    return M(WRONG, d, typed, answer, "Wrong.");
  }
  function sorted(list) { return list.slice().sort().join(" "); }
  function keysOf(text) { return splitWs(text).map(wordKey); }
  function termWords(text) { return splitWs(text).filter(isContent).map(wordKey); }
  function reorderedDistance(typed, answer) {
    var mine = splitWs(typed).filter(isContent), theirs = splitWs(answer).filter(isContent);
    if (theirs.length < 2 || mine.length !== theirs.length) return len(typed) + len(answer);
    var total = 0;
    theirs.forEach(function (word) {
      var best = minBy(mine, function (w) { return wordDistance(w, word); });
      total += wordDistance(best, word);
      mine.splice(mine.indexOf(best), 1);
    });
    return total;
  }
  function wordDistance(typed, word) {
    return Math.min(distance(spelling(typed), spelling(word)), distance(wordKey(typed), wordKey(word)));
  }
  function otherRealWords(typed, answer) {
    var keys = set(keysOf(answer));
    return splitWs(typed).filter(function (w) { return !keys[wordKey(w)] && !/^\p{Nd}+$/u.test(w) && isRealWord(w); });
  }
  var STEPS = [["case", fold], ["accents", unaccent], ["punctuation", collapse], ["a leading article", articleless],
    ["spacing", spaceless]];
  function equalAfter(typed, answer) {
    for (var k = 1; k <= STEPS.length; k++) {
      var used = STEPS.slice(0, k);
      if (through(used, answer) && through(used, typed) === through(used, answer)) {
        var needed = used.filter(function (s) { return !equalWithout(used, s[1], typed, answer); }).map(function (s) { return s[0]; });
        return needed.length ? needed : [used[used.length - 1][0]];
      }
    }
    return null;
  }
  function equalWithout(steps, skipped, typed, answer) {
    var rest = steps.filter(function (s) { return s[1] !== skipped; });
    return through(rest, typed) === through(rest, answer);
  }
  function through(steps, text) { steps.forEach(function (s) { text = s[1](text); }); return text; }
  function same(a, b) { return strip(a) === strip(b) || (normalize(a) !== "" && normalize(a) === normalize(b)); }
  function unique(answers) {
    var seen = Object.create(null), out = [];
    answers.forEach(function (answer) {
      var key = normalize(answer) || strip(answer);
      if (strip(answer) && !seen[key]) { seen[key] = 1; out.push(strip(answer)); }
    });
    return out;
  }
  function keyWords(text) {
    var keys = [], word = Object.create(null);
    words(text).forEach(function (w) {
      if (isKeyWord(w)) { var k = wordKey(unaccent(w)); if (!(k in word)) { word[k] = w; keys.push(k); } }
    });
    return { keys: keys, word: word };
  }
  function recalled(key, said) {
    if (key in said.word) return true;
    var allowed = typoAllowance(key);
    return said.keys.some(function (s) { return !isRealWord(fold(said.word[s])) && distance(key, s) <= allowed; });
  }
  function caseless(text) {
    return Array.from(text).map(function (c) { var l = c.toLowerCase(); return len(l) !== 1 ? c : l; }).join("");
  }
  function fold(text) { return STEM.fold(text); }
  function unaccent(text) { return text.normalize("NFKD").replace(/\p{Mn}/gu, "").normalize("NFC"); }
  function unpunct(text) { return text.replace(NON_WORD, " "); }
  function dropArticle(tokens) { return tokens.length > 1 && ARTICLES[tokens[0]] ? tokens.slice(1) : tokens; }
  function stems(text) { return splitWs(text).map(STEM.stem).join(" "); }
  // nltk's edit_distance(a, b, transpositions=True), step for step
  function distance(s1, s2) {
    s1 = Array.from(s1); s2 = Array.from(s2);
    var n1 = s1.length, n2 = s2.length, lev = [], i, j, lastLeftT = Object.create(null);
    for (i = 0; i <= n1; i++) { lev.push(new Array(n2 + 1).fill(0)); lev[i][0] = i; }
    for (j = 0; j <= n2; j++) lev[0][j] = j;
    for (i = 1; i <= n1; i++) {
      var lastRightBuf = 0;
      for (j = 1; j <= n2; j++) {
        var lastLeft = lastLeftT[s2[j - 1]] || 0, lastRight = lastRightBuf;
        if (s1[i - 1] === s2[j - 1]) lastRightBuf = j;
        var a = lev[i - 1][j] + 1, b = lev[i][j - 1] + 1, c = lev[i - 1][j - 1] + (s1[i - 1] !== s2[j - 1] ? 1 : 0);
        var d = c + 1;
        if (lastLeft > 0 && lastRight > 0) d = lev[lastLeft - 1][lastRight - 1] + i - lastLeft + j - lastRight - 1;
        lev[i][j] = Math.min(a, b, c, d);
      }
      lastLeftT[s1[i - 1]] = i;
    }
    return lev[n1][n2];
  }
  function digits(text) { return (text.match(/\p{Nd}+/gu) || []).join(" "); }
  function letters(n) { return n + " letter" + (n === 1 ? "" : "s"); }
  function join(items) { return items.length === 1 ? items[0] : items.slice(0, -1).join(", ") + " and " + items[items.length - 1]; }
  function collapse(text) { return splitWs(unpunct(text)).join(" "); }
  function articleless(text) { return dropArticle(splitWs(text)).join(" "); }
  function spaceless(text) { return text.replace(/ /g, ""); }
  function minBy(list, key) {
    var best = list[0], k = key(best);
    for (var i = 1; i < list.length; i++) { var v = key(list[i]); if (v < k) { best = list[i]; k = v; } }
    return best;
  }
  // difflib.SequenceMatcher (no junk: answers are far shorter than its 200-item autojunk threshold)
  function matchingBlocks(a, b) {
    var b2j = Object.create(null);
    b.forEach(function (c, j) { (b2j[c] = b2j[c] || []).push(j); });
    function longest(alo, ahi, blo, bhi) {
      var besti = alo, bestj = blo, bestsize = 0, j2len = {};
      for (var i = alo; i < ahi; i++) {
        var newj2len = {}, js = b2j[a[i]] || [];
        for (var x = 0; x < js.length; x++) {
          var j = js[x];
          if (j < blo) continue;
          if (j >= bhi) break;
          var k = newj2len[j] = (j2len[j - 1] || 0) + 1;
          if (k > bestsize) { besti = i - k + 1; bestj = j - k + 1; bestsize = k; }
        }
        j2len = newj2len;
      }
      while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) { besti--; bestj--; bestsize++; }
      while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) bestsize++;
      return [besti, bestj, bestsize];
    }
    var queue = [[0, a.length, 0, b.length]], blocks = [];
    while (queue.length) {
      var q = queue.pop(), m = longest(q[0], q[1], q[2], q[3]);
      if (m[2]) {
        blocks.push(m);
        if (q[0] < m[0] && q[2] < m[1]) queue.push([q[0], m[0], q[2], m[1]]);
        if (m[0] + m[2] < q[1] && m[1] + m[2] < q[3]) queue.push([m[0] + m[2], q[1], m[1] + m[2], q[3]]);
      }
    }
    blocks.sort(function (x, y) { return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
    var out = [], i1 = 0, j1 = 0, k1 = 0;
    blocks.forEach(function (bl) {
      if (i1 + k1 === bl[0] && j1 + k1 === bl[1]) k1 += bl[2];
      else { if (k1) out.push([i1, j1, k1]); i1 = bl[0]; j1 = bl[1]; k1 = bl[2]; }
    });
    if (k1) out.push([i1, j1, k1]);
    out.push([a.length, b.length, 0]);
    return out;
  }
  function ratio(a, b) {
    var matches = matchingBlocks(a, b).reduce(function (s, bl) { return s + bl[2]; }, 0);
    var total = a.length + b.length;
    return total ? 2 * matches / total : 1;
  }
  function opcodes(a, b) {
    var i = 0, j = 0, out = [];
    matchingBlocks(a, b).forEach(function (bl) {
      var ai = bl[0], bj = bl[1], size = bl[2], tag = "";
      if (i < ai && j < bj) tag = "replace"; else if (i < ai) tag = "delete"; else if (j < bj) tag = "insert";
      if (tag) out.push([tag, i, ai, j, bj]);
      i = ai + size; j = bj + size;
      if (size) out.push(["equal", ai, i, bj, j]);
    });
    return out;
  }
  return { grade: grade, gradeChoice: gradeChoice, needsRecall: needsRecall, normalize: normalize,
    distance: distance, AGAIN: AGAIN, HARD: HARD, GOOD: GOOD };
};
// The grader with the page's lexicon, once its packed word list is unpacked (lexicon.page_lexicon packs
// it: gzip, base64, each word as the count of letters shared with the one before, '0' + n, then the rest).
GRADING.load = function (lex) {
  "use strict";
  function words(text) {
    var out = [], previous = "";
    text.split("\n").forEach(function (line) {
      var word = previous.slice(0, line.charCodeAt(0) - 48) + line.slice(1);
      out.push(word); previous = word;
    });
    return out;
  }
  return Promise.resolve().then(function () {
    var bytes = Uint8Array.from(atob(lex.real), function (c) { return c.charCodeAt(0); });
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text();
  }).then(words, function () { return []; }).then(function (real) {
    return GRADING(Object.assign({}, lex, { real: real }));
  });
};
if (typeof module !== "undefined") module.exports = GRADING;
