// Snowball's English (Porter2) stemmer, giving what quizgen.text.stem gives (PyStemmer 2.x with nltk's
// differences: words of one or two letters kept, curly apostrophes read as "'", and nltk's final e after
// -ize/-ate at a word whose R2 starts two letters into the suffix). tests/test_web_grading.py compares
// the two on a vocabulary.
var STEM = (function () {
  "use strict";
  var V = "aeiouy";
  function isV(c) { return V.indexOf(c) >= 0; }
  var EXC1 = { skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie", idly: "idl", gently: "gentl",
    ugly: "ugli", early: "earli", only: "onli", singly: "singl", sky: "sky", news: "news", howe: "howe",
    atlas: "atlas", cosmos: "cosmos", bias: "bias", andes: "andes" };
  var EXC2 = { inning: 1, outing: 1, canning: 1, herring: 1, earring: 1, proceed: 1, exceed: 1, succeed: 1 };
  function ends(w, s) { return w.length >= s.length && w.slice(w.length - s.length) === s; }
  function longest(w, list) {
    var best = null;
    for (var i = 0; i < list.length; i++) if (ends(w, list[i]) && (!best || list[i].length > best.length)) best = list[i];
    return best;
  }
  function region(w, from) {
    for (var i = from + 1; i < w.length; i++) if (!isV(w[i]) && isV(w[i - 1])) return i + 1;
    return w.length;
  }
  function shortSyllableAt(w, i) {  // a short syllable ending at index i (inclusive)
    if (i === 1) return isV(w[0]) && !isV(w[1]);
    if (i < 2) return false;
    return !isV(w[i - 2]) && isV(w[i - 1]) && !isV(w[i]) && "wxY".indexOf(w[i]) < 0;
  }
  function marks(w) {
    var out = "";
    for (var i = 0; i < w.length; i++) out += (w[i] === "y" && (i === 0 || isV(out[i - 1]))) ? "Y" : w[i];
    return out;
  }
  function regions(w) {
    var r1;
    if (/^(gener|arsen)/.test(w)) r1 = 5; else if (/^commun/.test(w)) r1 = 6;
    else { r1 = w.length; for (var i = 1; i < w.length; i++) if (!isV(w[i]) && isV(w[i - 1])) { r1 = i + 1; break; } }
    var r2 = r1;
    for (var j = r1 + 1; j < w.length; j++) if (!isV(w[j]) && isV(w[j - 1])) { r2 = j + 1; break; }
    if (j >= w.length) r2 = w.length;
    return [r1, r2];
  }
  function porter2(word) {
    if (EXC1.hasOwnProperty(word)) return EXC1[word];
    var w = word.replace(/^'/, "");
    w = marks(w);
    var rr = regions(w), r1 = rr[0], r2 = rr[1], s;
    // step 0
    s = longest(w, ["'s'", "'s", "'"]);
    if (s) w = w.slice(0, -s.length);
    // step 1a
    s = longest(w, ["sses", "ied", "ies", "us", "ss", "s"]);
    if (s === "sses") w = w.slice(0, -2);
    else if (s === "ied" || s === "ies") w = w.length > 4 ? w.slice(0, -2) : w.slice(0, -1);
    else if (s === "s") { if (/[aeiouy]/.test(w.slice(0, -2))) w = w.slice(0, -1); }
    if (EXC2.hasOwnProperty(w)) return w;
    // step 1b
    s = longest(w, ["eed", "eedly", "ed", "edly", "ing", "ingly"]);
    if (s === "eed" || s === "eedly") { if (w.length - s.length >= r1) w = w.slice(0, -s.length) + "ee"; }
    else if (s) {
      var stem = w.slice(0, -s.length);
      if (/[aeiouy]/.test(stem)) {
        w = stem;
        if (ends(w, "at") || ends(w, "bl") || ends(w, "iz")) w += "e";
        else if (/(bb|dd|ff|gg|mm|nn|pp|rr|tt)$/.test(w)) w = w.slice(0, -1);
        else if (r1 >= w.length && shortSyllableAt(w, w.length - 1)) w += "e";
      }
    }
    // step 1c
    if (w.length > 2 && (ends(w, "y") || ends(w, "Y")) && !isV(w[w.length - 2])) w = w.slice(0, -1) + "i";
    // step 2
    var S2 = { tional: "tion", enci: "ence", anci: "ance", abli: "able", entli: "ent", izer: "ize", ization: "ize",
      ational: "ate", ation: "ate", ator: "ate", alism: "al", aliti: "al", alli: "al", fulness: "ful", ousli: "ous",
      ousness: "ous", iveness: "ive", iviti: "ive", biliti: "ble", bli: "ble", ogi: "og", fulli: "ful",
      lessli: "less", li: "" };
    s = longest(w, Object.keys(S2));
    if (s && w.length - s.length >= r1) {
      if (s === "ogi") { if (ends(w, "logi")) w = w.slice(0, -1); }
      else if (s === "li") { if ("cdeghkmnrt".indexOf(w[w.length - 3]) >= 0) w = w.slice(0, -2); }
      else w = w.slice(0, -s.length) + S2[s];
    }
    // step 3
    var S3 = { tional: "tion", ational: "ate", alize: "al", icate: "ic", iciti: "ic", ical: "ic", ful: "", ness: "",
      ative: "" };
    s = longest(w, Object.keys(S3));
    if (s && w.length - s.length >= r1) {
      if (s === "ative") { if (w.length - s.length >= r2) w = w.slice(0, -5); }
      else w = w.slice(0, -s.length) + S3[s];
    }
    // step 4
    s = longest(w, ["al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ism", "ate",
      "iti", "ous", "ive", "ize", "ion"]);
    if (s && w.length - s.length >= r2) {
      if (s === "ion") { if ("st".indexOf(w[w.length - 4]) >= 0 && w.length > 3) w = w.slice(0, -3); }
      else w = w.slice(0, -s.length);
    }
    // step 5
    if (ends(w, "e")) {
      var at = w.length - 1;
      if (at >= r2 || (at >= r1 && !shortSyllableAt(w, at - 1))) w = w.slice(0, -1);
    } else if (ends(w, "ll") && w.length - 1 >= r2) w = w.slice(0, -1);
    return w.replace(/Y/g, "y");
  }
  var KEEPS_E = /(?=iz(?:ation|er)|ational(?:ism|it[iy]|l[iy]))/g;
  function snowball(word) {
    word = word.toLowerCase();
    if (word.length <= 2) return word;
    word = word.replace(/[\u2019\u2018\u201b]/g, "'");
    var stemmed = porter2(word);
    if (!(ends(stemmed, "iz") || ends(stemmed, "at"))) return stemmed;
    var marked = word.replace(/^'+/, "").replace(/^y|([aeiouy])y/g, function (m, v) { return v ? v + "Y" : "Y"; });
    var rr = regions(marked), r2 = rr[1], m;
    KEEPS_E.lastIndex = 0;
    while ((m = KEEPS_E.exec(marked)) !== null) {
      var start = m.index;
      if (r2 === start + 2 && stemmed === marked.slice(0, start + 2).replace(/Y/g, "y") && start >= 1
          && V.indexOf(marked[start - 1]) < 0) return stemmed + "e";
      KEEPS_E.lastIndex = start + 1;
    }
    return stemmed;
  }
  function fold(text) { return text.normalize("NFKC").toLowerCase().replace(/ß/g, "ss").replace(/ς/g, "σ"); }
  // quizgen.text.stem: folded, a possessive 's dropped, then Snowball.
  function stem(word) {
    var w = fold(word);
    if (ends(w, "'s") || ends(w, "\u2019s")) w = w.slice(0, -2);
    return snowball(w);
  }
  return { stem: stem, fold: fold, porter2: porter2 };
})();
if (typeof module !== "undefined") module.exports = STEM;
