/**
 * The strings the page's scripts show people, in the page's language: base.html embeds
 * them as JSON (<script type="application/json" id="consult-strings">, which the CSP
 * allows because it never runs), from consult/i18n.py's browser_strings(), translated
 * with the rest of the catalogue. `t("budgetLeft", { left: 5, target: 100 })` fills the
 * %(name)s placeholders.
 */
const source = document.getElementById("consult-strings");
const strings = source ? JSON.parse(source.textContent || "{}") : {};

export function t(key, values = {}) {
  const text = strings[key] ?? key;
  return text.replace(/%\((\w+)\)s|%%/g, (match, name) => {
    if (!name) return "%"; // "%%", as Python's formatting writes a literal %
    return name in values ? String(values[name]) : match;
  });
}

/**
 * A count's sentence: `tn("ballots", 3)` reads `ballots.few` (the key's form for the
 * CLDR plural category of 3 in the page's language, Intl.PluralRules; Welsh has six)
 * and fills %(num)s with the count, and any other %(name)s from `values`.
 */
const plurals = new Intl.PluralRules(document.documentElement.lang || "en-GB");

export function tn(key, count, values = {}) {
  const chosen = `${key}.${plurals.select(count)}`;
  return t(chosen in strings ? chosen : `${key}.other`, { ...values, num: count });
}
