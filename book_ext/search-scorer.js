/* The course's search scorer (_config.yml's html_search_scorer, set by book_ext/fmnist_book.py).
 *
 * Sphinx's own weights, with one rule more: a page whose own title holds a word of the query
 * ("3. Autoencoders: ..." for "autoencoder") ranks above the pages that only mention it or hold
 * it in a section title (chapter 2 ranked first, by its short section titles).
 *
 * And the snippets: Sphinx shows the text of each result's [role=main], which in this theme
 * begins with the page's header buttons (the download menu: ".ipynb .pdf"), the link to the
 * other edition and the in-page contents; they are taken out before the snippet is cut.
 */
var Scorer = {
  score: (result) => {
    const [, title, anchor, , score] = result;
    const query = new URLSearchParams(window.location.search).get("q") || "";
    const words = query.toLowerCase().split(/\s+/).filter((word) => word.length > 2);
    const pageTitle = (title || "").toLowerCase();
    const named = !anchor && words.some((word) => pageTitle.includes(word));
    return score + (named ? Scorer.pageTitle : 0);
  },
  pageTitle: 30,
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};

document.addEventListener("DOMContentLoaded", () => {
  if (typeof Search === "undefined") return;
  const toText = Search.htmlToText;
  const notText = ".bd-header-article, .fmnist-edition, .bd-sidebar-secondary, .prev-next-area";
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    page.querySelectorAll(notText).forEach((element) => element.remove());
    return toText(page.documentElement.outerHTML, anchor);
  };
});
