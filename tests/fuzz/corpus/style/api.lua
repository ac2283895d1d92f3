return { render = function(doc, page)
  page.setup { size = 'Letter', margin = { 10, 10, 10, 10 }, footer = function(p) p.text(t('page_of', p.number, p.count)) end }
  page.font { name = 'x', size = 12, weight = 'bold', colour = '#123' }
  page.columns { { 'a', 'b' }, { { text = 'c', font = 'x' } }, gap = 2 }
  page.box { x = 10, y = 10, w = 30, border = '#000', 'boxed' }
  page.fields { { 'k', 'v' }, false }
  page.table { columns = { { 'd', width = '1fr' }, { 'e', width = 20, align = 'right' } }, rows = doc.lines,
    row = function(l) return { l.description, fmt.money(l.amount) } end }
  page.keep_together(function() page.totals { { 's', '1' }, doc.vat_rows, { 't', '2', bold = true } } end)
  page.rule() page.space(2) page.text(string.rep('w ', 300))
end }
