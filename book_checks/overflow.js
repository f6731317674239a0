() => {
  const problems = [];
  const describe = e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className)
    .trim().split(/\s+/).join('.') : '') + ' "' + e.textContent.trim().slice(0, 40) + '"';
  for (const e of document.querySelectorAll('main *')) {
    if (e.closest('mjx-assistive-mml')) continue;  // MathJax's copy for screen readers
    if (e.clientWidth === 0 || e.scrollWidth <= e.clientWidth + 1) continue;
    const s = getComputedStyle(e);
    if (s.overflowX === 'visible') continue;  // spills: caught by the page-width check
    if (s.overflowX === 'auto' || s.overflowX === 'scroll') {
      const bar = e.offsetHeight - e.clientHeight - parseFloat(s.borderTopWidth)
        - parseFloat(s.borderBottomWidth);
      if (bar < 1) problems.push('scrolls with no visible scrollbar: ' + describe(e));
      continue;
    }
    const right = e.getBoundingClientRect().right;
    const cut = [...e.querySelectorAll('*')].some(d => !d.closest('mjx-assistive-mml')
      && getComputedStyle(d).textOverflow !== 'ellipsis'
      && d.getBoundingClientRect().width > 0 && d.getBoundingClientRect().right > right + 3);  // 3 px: a glyph's overhang
    if (cut && s.textOverflow !== 'ellipsis') problems.push('content cut off: ' + describe(e));
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    problems.push(`the page is ${document.documentElement.scrollWidth} px wide in a ` +
                  `${window.innerWidth} px window`);
  }
  return problems;
}
