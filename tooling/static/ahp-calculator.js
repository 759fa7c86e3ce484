/* The SWOT chapter's AHP calculator (analysis/present/ahp_calculator.py writes its data).
 *
 * The reader changes the chapter's pairwise judgements on Saaty's scale; each level's
 * priorities, lambda_max and consistency ratio are recomputed as
 * analysis/measures/ahp.py computes them: the principal right eigenvector of the
 * reciprocal matrix (here by power iteration, which converges to it for a positive
 * matrix) scaled to sum to one, CI = max(lambda_max - n, 0) / (n - 1), CR = CI / RI(n)
 * with Saaty's random index from the data file, and, for n <= 2, lambda_max = n and
 * CR = 0. Above the consistency limit the pair named is the one whose judgement departs
 * most from the priorities' ratio, max |ln a_ij - ln(w_i / w_j)| over i < j
 * (ahp.most_inconsistent_pair; departures within ahp.DEPARTURE_TIE of the largest are
 * equal, and the first such pair in row order is named). Global priority = local x group priority; the measures
 * are scored by A’WOT (the book's local priorities of the measures under each item,
 * weighted by the items' global priorities) and by the link-sum (the global priorities
 * of the distinct ranked items each measure's TOWS links name), as
 * analysis/measures/awot.py and swot.measure_scores do. Numbers are written as
 * analysis/present/numbers.py writes them: read from the float cut to SIGNIFICANT_DIGITS significant digits,
 * rounded half up from the shortest decimal form, the edition's decimal sign, thousands separator and minus.
 *
 * The full-precision results are kept in data attributes for the tests: on each level
 * (fieldset[data-level]) data-priorities, data-lambda-max, data-consistency-ratio and,
 * above the limit, data-revisit ("first second"); on the calculator data-global,
 * data-groups, data-awot and data-link-sum.
 */
(function () {
  "use strict";

  // ------------------------------------------------------------------ AHP

  function judgementValue(text) {
    const parts = String(text).split("/");
    return parts.length === 2 ? Number(parts[0]) / Number(parts[1]) : Number(parts[0]);
  }

  function multiply(matrix, vector) {
    return matrix.map(function (row) {
      return row.reduce(function (sum, a, j) { return sum + a * vector[j]; }, 0);
    });
  }

  function sum(values) {
    return values.reduce(function (total, value) { return total + value; }, 0);
  }

  // The Perron vector of a positive matrix, scaled to sum to one, and its eigenvalue.
  function principal(matrix) {
    const n = matrix.length;
    let w = new Array(n).fill(1 / n);
    for (let step = 0; step < 10000; step++) {
      const next = multiply(matrix, w);
      const total = sum(next);
      const scaled = next.map(function (value) { return value / total; });
      const change = Math.max.apply(null, scaled.map(function (value, i) { return Math.abs(value - w[i]); }));
      w = scaled;
      if (change < 1e-15) break;
    }
    return { priorities: w, lambdaMax: sum(multiply(matrix, w)) };  // sum(A w) = lambda when sum(w) = 1
  }

  function ahp(matrix, randomIndex) {
    const n = matrix.length;
    const found = principal(matrix);
    if (n <= 2) return { priorities: found.priorities, lambdaMax: n, consistencyRatio: 0 };
    const consistencyIndex = Math.max(found.lambdaMax - n, 0) / (n - 1);
    return { priorities: found.priorities, lambdaMax: found.lambdaMax,
             consistencyRatio: consistencyIndex / randomIndex[n - 1] };
  }

  // Departures within `tie` of the largest count as equal; the first such pair in row
  // order is named (ahp.DEPARTURE_TIE: in a 3-item matrix every pair departs equally).
  function mostInconsistentPair(matrix, priorities, tie) {
    const pairs = [];
    for (let i = 0; i < matrix.length; i++) {
      for (let j = i + 1; j < matrix.length; j++) {
        pairs.push({ first: i, second: j,
                     departure: Math.abs(Math.log(matrix[i][j]) - (Math.log(priorities[i]) - Math.log(priorities[j]))) });
      }
    }
    const largest = Math.max.apply(null, pairs.map(function (pair) { return pair.departure; }));
    return pairs.filter(function (pair) { return pair.departure >= largest - tie; })[0];
  }

  // ------------------------------------------------------------------ numbers as the book writes them

  function plainDecimal(value) {  // the shortest decimal form of |value|, without an exponent
    const text = String(Math.abs(value));
    if (text.indexOf("e") < 0) return text;
    const parts = text.split("e");
    const mantissa = parts[0].split(".");
    const digits = mantissa[0] + (mantissa[1] || "");
    const point = mantissa[0].length + Number(parts[1]);
    if (point <= 0) return "0." + "0".repeat(-point) + digits;
    if (point >= digits.length) return digits + "0".repeat(point - digits.length);
    return digits.slice(0, point) + "." + digits.slice(point);
  }

  function formatNumber(value, decimals, symbols) {
    value = Number(value.toPrecision(symbols.significant_digits));  // numbers.decimal_value
    const parts = plainDecimal(value).split(".");
    let fraction = (parts[1] || "").padEnd(decimals + 1, "0");
    let digits = (parts[0] + fraction.slice(0, decimals)).split("").map(Number);
    if (Number(fraction.charAt(decimals)) >= 5) {  // half up, as Babel in ROUND_HALF_UP
      let i = digits.length - 1;
      while (i >= 0 && digits[i] === 9) { digits[i] = 0; i--; }
      if (i < 0) digits.unshift(1); else digits[i] += 1;
    }
    const text = digits.join("");
    let whole = text.slice(0, text.length - decimals).replace(/^0+(?=\d)/, "") || "0";
    fraction = text.slice(text.length - decimals);
    whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, symbols.group);
    const shown = whole + (decimals > 0 ? symbols.decimal + fraction : "");
    const negative = value < 0 && /[1-9]/.test(text);
    return (negative ? symbols.minus : "") + shown;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
    });
  }

  // ------------------------------------------------------------------ page

  function element(tag, attributes, children) {
    const node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "text") node.textContent = attributes[name];
      else node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function withCode(template, name, value) {  // a sentence with a file name set as code
    const parts = template.split("{" + name + "}");
    const children = [];
    parts.forEach(function (part, index) {
      if (index > 0) children.push(element("code", { text: value }));
      if (part) children.push(part);
    });
    return children;
  }

  function table(caption, headers, rows, numeric) {
    const head = element("tr", {}, headers.map(function (text) { return element("th", { scope: "col", text: text }); }));
    const body = rows.map(function (cells) {
      return element("tr", {}, cells.map(function (text, index) {
        return element("td", numeric.indexOf(index) >= 0 ? { class: "ahp-number", text: text } : { text: text });
      }));
    });
    return element("table", { class: "ahp-table" }, [element("caption", { text: caption }),
      element("thead", {}, [head]), element("tbody", {}, body)]);
  }

  function Calculator(root, data) {
    this.root = root;
    this.data = data;
    this.text = data.text;
    this.number = function (value, decimals) { return formatNumber(value, decimals, data.number); };
    this.selects = {};
    this.build();
    this.update(null);
  }

  Calculator.prototype.optionText = function (value, pair) {
    if (value === "1") return this.text.option_equal;
    const reciprocal = value.indexOf("/") >= 0;
    const step = reciprocal ? value.split("/")[1] : value;
    return fill(this.text.option_more, { value: value, item: reciprocal ? pair.second : pair.first,
                                         degree: this.text["degree_" + step] });
  };

  Calculator.prototype.build = function () {
    const self = this;
    const data = this.data;
    this.root.textContent = "";
    this.root.appendChild(element("p", { class: "ahp-source" }, withCode(this.text.prefilled, "source", data.source)));
    const levels = element("div", { class: "ahp-levels" });
    data.levels.forEach(function (level) {
      const fieldset = element("fieldset", { class: "ahp-level", "data-level": level.level });
      fieldset.appendChild(element("legend", { text: level.label }));
      fieldset.appendChild(element("div", { class: "ahp-local" }));
      const pairs = element("div", { class: "ahp-pairs", role: "group", "aria-label": self.text.judgements + ": " + level.label });
      self.selects[level.level] = level.pairs.map(function (pair, index) {
        const id = "ahp-" + level.level + "-" + index;
        const select = element("select", { id: id, "data-first": pair.first, "data-second": pair.second,
                                           "data-book": pair.judgement });
        data.scale.forEach(function (value) {
          const option = element("option", { value: value, text: self.optionText(value, pair) });
          if (value === pair.judgement) option.selected = true;
          select.appendChild(option);
        });
        select.addEventListener("change", function () { self.update(level.level); });
        pairs.appendChild(element("div", { class: "ahp-pair" }, [
          element("label", { for: id, text: pair.first + " : " + pair.second }), select]));
        return select;
      });
      fieldset.appendChild(pairs);
      fieldset.appendChild(element("p", { class: "ahp-consistency" }));
      levels.appendChild(fieldset);
    });
    this.root.appendChild(levels);
    const download = element("button", { type: "button", class: "ahp-download", text: this.text.download });
    const reset = element("button", { type: "button", class: "ahp-reset", text: this.text.reset });
    download.addEventListener("click", function () { self.download(); });
    reset.addEventListener("click", function () { self.reset(); });
    this.refused = element("p", { class: "ahp-refused" });
    this.root.appendChild(element("div", { class: "ahp-actions" }, [download, reset, this.refused]));
    this.status = element("p", { class: "ahp-status", role: "status", "aria-live": "polite" });
    this.root.appendChild(this.status);
    this.results = element("div", { class: "ahp-results" });
    this.root.appendChild(this.results);
  };

  Calculator.prototype.levelResult = function (level) {
    const codes = level.members.map(function (member) { return member.code; });
    const index = {};
    codes.forEach(function (code, i) { index[code] = i; });
    const matrix = codes.map(function () { return codes.map(function () { return 1; }); });
    this.selects[level.level].forEach(function (select) {
      const value = judgementValue(select.value);
      const i = index[select.dataset.first], j = index[select.dataset.second];
      matrix[i][j] = value;
      matrix[j][i] = 1 / value;
    });
    const result = ahp(matrix, this.data.random_index);
    result.codes = codes;
    result.byCode = {};
    codes.forEach(function (code, i) { result.byCode[code] = result.priorities[i]; });
    if (result.consistencyRatio > this.data.consistency_limit) {
      const found = mostInconsistentPair(matrix, result.priorities, this.data.departure_tie);
      const a = codes[found.first], b = codes[found.second];
      const select = this.selects[level.level].filter(function (s) {
        return (s.dataset.first === a && s.dataset.second === b) || (s.dataset.first === b && s.dataset.second === a);
      })[0];
      result.revisit = { first: select.dataset.first, second: select.dataset.second, judgement: select.value,
                         implied: result.byCode[select.dataset.first] / result.byCode[select.dataset.second] };
    }
    return result;
  };

  Calculator.prototype.update = function (changed) {
    const self = this;
    const data = this.data;
    const results = {};
    let consistent = 0;
    const warnings = [];
    data.levels.forEach(function (level) {
      const result = results[level.level] = self.levelResult(level);
      const fieldset = self.root.querySelector('fieldset[data-level="' + level.level + '"]');
      fieldset.dataset.priorities = JSON.stringify(result.byCode);
      fieldset.dataset.lambdaMax = String(result.lambdaMax);
      fieldset.dataset.consistencyRatio = String(result.consistencyRatio);
      const column = level.level === "groups" ? self.text.group_priority : self.text.local;
      const local = table(level.level === "groups" ? self.text.groups_compared : self.text.items_compared,
        [self.text.code, self.text.item, column],
        level.members.map(function (member) {
          return [member.code, member.label, self.number(result.byCode[member.code], 3)];
        }), [2]);
      fieldset.replaceChild(element("div", { class: "ahp-local" }, [local]), fieldset.querySelector(".ahp-local"));
      const line = self.text.lambda_max + ": " + self.number(result.lambdaMax, 3) + "; " + self.text.cr + ": "
        + self.number(result.consistencyRatio, 3) + ". ";
      const consistency = fieldset.querySelector(".ahp-consistency");
      const limit = self.number(data.consistency_limit, 2);
      if (result.revisit) {
        const revisit = result.revisit;
        fieldset.dataset.revisit = revisit.first + " " + revisit.second;
        const message = fill(self.text.inconsistent, { ratio: self.number(result.consistencyRatio, 3), limit: limit,
          pair: revisit.first + " : " + revisit.second, value: revisit.judgement,
          implied: self.number(revisit.implied, 2) });
        consistency.textContent = line + message;
        consistency.className = "ahp-consistency ahp-inconsistent";
        warnings.push(level.label + ": " + message);
      } else {
        delete fieldset.dataset.revisit;
        consistency.textContent = line + fill(self.text.consistent, { limit: limit });
        consistency.className = "ahp-consistency";
        consistent += 1;
      }
    });
    const groups = results.groups.byCode;
    const global = {}, local = {};
    data.levels.forEach(function (level) {
      if (level.level === "groups") return;
      level.members.forEach(function (member) {
        local[member.code] = results[level.level].byCode[member.code];
        global[member.code] = local[member.code] * groups[level.level];
      });
    });
    const awot = {}, linkSum = {};
    data.measures.forEach(function (measure) {
      awot[measure.code] = sum(Object.keys(measure.awot_local).map(function (code) {
        return global[code] * measure.awot_local[code];
      }));
      linkSum[measure.code] = sum(measure.items.map(function (code) { return global[code] || 0; }));
    });
    this.root.dataset.global = JSON.stringify(global);
    this.root.dataset.groups = JSON.stringify(groups);
    this.root.dataset.awot = JSON.stringify(awot);
    this.root.dataset.linkSum = JSON.stringify(linkSum);
    this.showResults(global, local, groups, awot, linkSum);
    const limit = self.number(data.consistency_limit, 2);
    this.refused.textContent = warnings.length ? fill(this.text.download_refused, { limit: limit }) : "";
    if (changed !== null) {
      this.status.textContent = [fill(this.text.status, { ok: String(consistent), total: String(data.levels.length) })]
        .concat(warnings).join(". ");
    }
  };

  function ordered(scores, order) {  // from the highest; ties keep the given order
    return order.slice().sort(function (a, b) {
      const difference = scores[b] - scores[a];
      return Math.abs(difference) > 1e-12 ? difference : order.indexOf(a) - order.indexOf(b);
    });
  }

  function rankOf(scores, code) {  // ties share a rank: 1 + how many score higher
    return 1 + Object.keys(scores).filter(function (other) { return scores[other] - scores[code] > 1e-12; }).length;
  }

  Calculator.prototype.showResults = function (global, local, groups, awot, linkSum) {
    const self = this;
    const labels = {};
    this.data.levels.forEach(function (level) {
      if (level.level !== "groups") level.members.forEach(function (member) { labels[member.code] = member.label; });
    });
    const items = ordered(global, Object.keys(global));
    const ranking = table(this.text.ranking,
      [this.text.rank, this.text.code, this.text.item, this.text.local, this.text.group_priority, this.text.global],
      items.map(function (code) {
        return [String(rankOf(global, code)), code, labels[code], self.number(local[code], 3),
                self.number(groups[code.charAt(0)], 3), self.number(global[code], 3)];
      }), [0, 3, 4, 5]);
    const measureLabels = {};
    this.data.measures.forEach(function (measure) { measureLabels[measure.code] = measure.label; });
    const measures = ordered(awot, this.data.measures.map(function (measure) { return measure.code; }));
    const scored = table(this.text.measures,
      [this.text.rank, this.text.measure, this.text.item, this.text.awot_priority, this.text.link_score],
      measures.map(function (code) {
        return [String(rankOf(awot, code)), code, measureLabels[code], self.number(awot[code], 3),
                self.number(linkSum[code], 3)];
      }), [0, 3, 4]);
    this.results.textContent = "";
    this.results.appendChild(ranking);
    this.results.appendChild(scored);
  };

  Calculator.prototype.reset = function () {
    const self = this;
    Object.keys(this.selects).forEach(function (level) {
      self.selects[level].forEach(function (select) { select.value = select.dataset.book; });
    });
    this.update("reset");
  };

  function csvField(text) {
    return '"' + String(text).replace(/"/g, '""') + '"';
  }

  // The judgements as the chapter reads them (analysis/measures/judgement_file.py):
  // one row per pair, in the file's order and orientation; a changed judgement gets a
  // reason in the edition's language, an unchanged one keeps the file's reasons.
  Calculator.prototype.csv = function () {
    const self = this;
    const data = this.data;
    const lines = [data.columns.join(",")];
    data.levels.forEach(function (level) {
      level.pairs.forEach(function (pair, index) {
        const value = self.selects[level.level][index].value;
        const reasons = {};
        data.columns.slice(4).forEach(function (column) {
          reasons[column] = value === pair.judgement ? pair.reasons[column] || "" : "";
        });
        if (value !== pair.judgement) reasons["reason_" + data.lang] = fill(self.text.changed_reason, { book: pair.judgement });
        const row = { level: level.level, first: pair.first, second: pair.second, judgement: value };
        lines.push(data.columns.map(function (column) {
          return csvField(column in row ? row[column] : reasons[column]);
        }).join(","));
      });
    });
    return "\ufeff" + lines.join("\r\n") + "\r\n";
  };

  Calculator.prototype.download = function () {
    const blob = new Blob([this.csv()], { type: "text/csv;charset=utf-8" });
    const address = URL.createObjectURL(blob);
    const link = element("a", { href: address, download: this.data.file_name });
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(address); }, 1000);
  };

  // ------------------------------------------------------------------ start

  function decode(encoded) {
    const bytes = Uint8Array.from(atob(encoded), function (c) { return c.charCodeAt(0); });
    return JSON.parse(new TextDecoder("utf-8").decode(bytes));
  }

  function start(root) {
    const inline = root.getAttribute("data-calculator-payload");
    const source = root.getAttribute("data-calculator-src");
    const loaded = inline ? Promise.resolve(decode(inline))
      : fetch(source).then(function (response) {
        if (!response.ok) throw new Error(source + ": HTTP " + response.status);
        return response.json();
      });
    return loaded.then(function (data) {
      root.calculator = new Calculator(root, data);
      root.dataset.ready = "true";
    }).catch(function (error) {
      const name = root.getAttribute("data-calculator-name") || source;
      const message = root.getAttribute("data-load-error") || "{file}";
      root.textContent = "";
      root.appendChild(element("p", { class: "ahp-error", role: "alert" }, withCode(message, "file", name)));
      root.dataset.ready = "error";
      console.error("ahp-calculator: " + name + ": " + (error && error.message ? error.message : error));
    });
  }

  function startAll() {
    document.querySelectorAll(".ahp-calculator").forEach(start);
  }

  const methods = { ahp: ahp, mostInconsistentPair: mostInconsistentPair, formatNumber: formatNumber };
  if (typeof document === "undefined") {  // read outside a browser (node), for its methods only
    if (typeof module !== "undefined") module.exports = methods;
    return;
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startAll);
  else startAll();
})();
