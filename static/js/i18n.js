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
  return text.replace(/%\((\w+)\)s/g, (match, name) =>
    name in values ? String(values[name]) : match,
  );
}
