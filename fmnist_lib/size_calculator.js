// The output-size calculator of chapter 2 (fmnist_lib/widgets.py, SizeCalculator), drawn and
// computed in the page: in JupyterLab, on Colab and on the book's static pages alike.
//
// outputSize() is a copy, in JavaScript, of the formulas of fmnist_lib/arithmetic.py, the one
// place to read them; tests/test_widgets.py checks that the two agree over every setting the
// sliders can reach. Only the check against a real PyTorch layer needs Python: the kernel runs
// it on every change and sends back the settings it checked (the `checked` trait); where no
// kernel answers (a static page), the calculator says so instead of showing a stale number.

const KINDS = ["Conv2d", "MaxPool2d", "ConvTranspose2d"];

// The sliders: trait name, label, smallest and largest value.
const SLIDERS = [
  ["size", "D_in", 1, 64],
  ["kernel_size", "K", 1, 9],
  ["stride", "S", 1, 4],
  ["padding", "P", 0, 4],
  ["dilation", "d", 1, 3],
  ["output_padding", "P_out", 0, 3],
];

// The layout: one row per setting (its name, its control, its value), then the result.
const STYLE = `
.fmnist-size-calculator { display: grid; grid-template-columns: auto minmax(6em, 16em) 2.5em;
  gap: 0.25em 0.75em; align-items: center; max-width: 40em; }
.fmnist-calc-row { display: contents; }
.fmnist-calc-row small { opacity: 0.8; }
.fmnist-calc-row select { grid-column: 2 / 4; }
.fmnist-calc-row input:disabled + output { opacity: 0.5; }
.fmnist-calc-result { grid-column: 1 / -1; margin-top: 0.5em; }
`;

function failure(reason, fields) {
  return { size: null, reason, fields };
}

// One spatial dimension of nn.Conv2d (eq. 1 with the dilation d): arithmetic._conv1d.
function convSize({ size, kernel_size, stride, padding, dilation }) {
  const span = dilation * (kernel_size - 1) + 1;
  if (size + 2 * padding < span) {
    return failure("empty", { span, padded: size + 2 * padding });
  }
  return { size: Math.floor((size + 2 * padding - span) / stride) + 1, span };
}

// nn.MaxPool2d without ceil_mode: arithmetic._pool1d.
function poolSize({ size, kernel_size, stride, padding, dilation }) {
  if (2 * padding > kernel_size) {
    return failure("pool_padding", { half: kernel_size / 2 });
  }
  const span = dilation * (kernel_size - 1) + 1;
  const out = Math.floor((size + 2 * padding - span) / stride) + 1;
  if (out < 1) {
    return failure("empty", { span, padded: size + 2 * padding });
  }
  return { size: out, span };
}

// nn.ConvTranspose2d (eq. 2 with the dilation d): arithmetic._tconv1d.
function transposedSize({ size, kernel_size, stride, padding, dilation, output_padding }) {
  if (output_padding >= Math.max(stride, dilation)) {
    return failure("output_padding_limit", { limit: Math.max(stride, dilation) });
  }
  const out = (size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1;
  if (out < 1) {
    return failure("cropped", { out });
  }
  return { size: out };
}

// The output size of a layer of `kind` on a square input: {size} or {size: null, reason, fields}.
export function outputSize(kind, settings) {
  if (kind === "Conv2d") return convSize(settings);
  if (kind === "MaxPool2d") return poolSize(settings);
  if (kind === "ConvTranspose2d") return transposedSize(settings);
  throw new Error(`kind must be one of ${KINDS.join(", ")}, got ${kind}`);
}

// The formula with the settings' numbers in it, ending in its result.
function workedFormula(kind, s, size) {
  if (kind === "ConvTranspose2d") {
    return `(${s.size} − 1)·${s.stride} − 2·${s.padding} + ${s.dilation}·(${s.kernel_size} − 1)` +
      ` + ${s.output_padding} + 1 = ${size}`;
  }
  return `⌊(${s.size} + 2·${s.padding} − ${s.dilation}·(${s.kernel_size} − 1) − 1) / ${s.stride}⌋` +
    ` + 1 = ${size}`;
}

function fill(template, fields) {
  return template.replace(/\{(\w+)\}/g, (_, name) => String(fields[name]));
}

function settingsOf(model) {
  const settings = {};
  for (const [name] of SLIDERS) settings[name] = model.get(name);
  return settings;
}

function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.textContent = text;
  return node;
}

// A labelled control row: the label (a symbol, then what it stands for), the control, and (for
// a slider) its value.
function row(id, label, meaning, control) {
  const line = element("div", { class: "fmnist-calc-row" });
  const name = element("label", { for: id }, label);
  if (meaning !== label) name.append(" ", element("small", {}, meaning));
  line.append(name, control);
  return line;
}

function kindSelector(model, words, id) {
  const select = element("select", { id, "data-setting": "kind" });
  for (const kind of KINDS) select.append(element("option", { value: kind }, kind));
  select.value = model.get("kind");
  select.addEventListener("change", () => {
    model.set("kind", select.value);
    model.save_changes();
  });
  return row(id, words.layer, words.layer, select);
}

function slider(model, words, id, [name, label, min, max]) {
  const input = element("input", {
    type: "range", id, min: String(min), max: String(max), step: "1", "data-setting": name,
  });
  input.value = String(model.get(name));
  const shown = element("output", { for: id }, input.value);
  input.addEventListener("input", () => {
    shown.textContent = input.value;
    model.set(name, Number(input.value));
    model.save_changes();
  });
  const line = row(id, label, words[name], input);
  line.append(shown);
  return line;
}

// The PyTorch check, when the kernel has checked exactly these settings; null while none has.
function pytorchText(model, words, settings) {
  const checked = model.get("checked") || {};
  const same = checked.kind === model.get("kind") &&
    SLIDERS.every(([name]) => checked[name] === settings[name]);
  if (!same) return null;
  const verdict = checked.pytorch === checked.ours ? words.match : words.mismatch;
  return `PyTorch: ${checked.pytorch} (${verdict})`;
}

// How long a kernel may take to answer before the page says that none is running.
const KERNEL_WAIT_MS = 1500;

function show(model, words, parts) {
  const kind = model.get("kind");
  const settings = settingsOf(model);
  const result = outputSize(kind, settings);
  parts.kind.value = kind;
  for (const [name] of SLIDERS) {  // the model may also change from Python
    parts.sliders[name].value = String(settings[name]);
    parts.sliders[name].nextElementSibling.textContent = String(settings[name]);
  }
  parts.sliders.output_padding.disabled = kind !== "ConvTranspose2d";
  if (result.size === null) {
    parts.formula.textContent = `${words.impossible}: ${fill(words[result.reason], result.fields)}`;
    parts.size.textContent = "—";
  } else {
    parts.formula.textContent = `${words.formula}: ${workedFormula(kind, settings, result.size)}`;
    parts.size.textContent = String(result.size);
  }
  clearTimeout(parts.waiting);
  const pytorch = result.size === null ? "" : pytorchText(model, words, settings);
  parts.pytorch.textContent = pytorch ?? "PyTorch: …";
  if (pytorch === null) {
    parts.waiting = setTimeout(() => { parts.pytorch.textContent = words.no_kernel; }, KERNEL_WAIT_MS);
  }
}

function render({ model, el }) {
  const words = model.get("words");
  const box = element("div", { class: "fmnist-size-calculator", role: "group", "aria-label": words.calculator });
  const prefix = `fmnist-calc-${Math.random().toString(36).slice(2)}`;
  box.append(kindSelector(model, words, `${prefix}-kind`));
  for (const spec of SLIDERS) box.append(slider(model, words, `${prefix}-${spec[0]}`, spec));
  const result = element("div", { class: "fmnist-calc-result", role: "status", "aria-live": "polite" });
  const parts = {
    formula: element("div", { class: "fmnist-calc-formula" }),
    size: element("strong", { class: "fmnist-calc-size" }),
    pytorch: element("div", { class: "fmnist-calc-pytorch" }),
    kind: box.querySelector('[data-setting="kind"]'),
    sliders: Object.fromEntries(
      SLIDERS.map(([name]) => [name, box.querySelector(`[data-setting="${name}"]`)])
    ),
  };
  const answer = element("div", {}, `${words.output_size}: `);
  answer.append(parts.size);
  result.append(answer, parts.formula, parts.pytorch);
  box.append(result);
  el.append(element("style", {}, STYLE), box);
  const update = () => show(model, words, parts);
  const traits = ["kind", "checked", ...SLIDERS.map(([name]) => name)];
  for (const name of traits) model.on(`change:${name}`, update);
  update();
  return () => {
    clearTimeout(parts.waiting);
    for (const name of traits) model.off(`change:${name}`, update);
  };
}

export default { render };
