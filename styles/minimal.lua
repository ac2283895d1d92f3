-- minimal.lua: a quiet, typographic house style in Facta Serif: no fills,
-- generous white space, hairline rules, small caps-like labels and the
-- amounts in one right-hand column. Invoices, quotes and credit notes;
-- options: colour (the rules and title), logo, paper, prices.
local style = { name = "minimal", kinds = { "invoice", "quote", "credit_note", "reminder" } }

local function join(sep, ...)
	local out = {}
	for _, v in ipairs({ ... }) do if v then out[#out + 1] = v end end
	return table.concat(out, sep)
end

function style.render(doc, page)
	local s, c, o = doc.seller, doc.customer, doc.options
	local quote = doc.kind == "quote"
	local ink = o.colour or "#111111"
	local number = doc.number or t("draft")
	local credit = doc.kind == "credit_note"
	local k = function(key)
		return t(quote and "quote_" .. key or credit and "credit_note_" .. key or key)
	end

	page.setup {
		size = o.paper or "A4", margin = { 28, 24, 28, 24 },
		footer = function(p)
			p.rule { before = 0, after = 2.5, colour = "#bbbbbb", thick = 0.3 }
			p.columns {
				{ join("   ", s.name, s.kvk and ("KvK " .. s.kvk), s.vat_id, s.iban), font = "small", width = "5fr" },
				{ p.number .. " / " .. p.count, font = "small", align = "right" },
			}
		end,
	}
	page.font { name = "body", family = "serif", size = 9.2, colour = "#1a1a1a", leading = 1.4 }
	page.font { name = "title", family = "serif", size = 13, weight = "bold", colour = ink }
	page.font { name = "label", family = "serif", size = 7, colour = "#8a8a8a" }
	page.font { name = "small", family = "serif", size = 7, colour = "#8a8a8a" }
	page.font { name = "strong", family = "serif", weight = "bold" }
	page.font { name = "table_header", family = "serif", size = 7, colour = "#8a8a8a" }
	page.font { name = "total", family = "serif", size = 10.5, weight = "bold", colour = ink }

	if o.logo then page.image(o.logo, { align = "right", width = 26, y = 14, x = 160 }) end
	page.columns { gap = 10,
		{ { text = s.name, font = "strong" }, { text = join(", ", table.unpack(s.address_lines)), font = "small" } },
		{ { text = join("  ", s.email, s.phone), font = "small", align = "right" } },
	}
	page.space(22)
	page.text(string.upper(t(doc.kind)) .. "  " .. number, { font = "title", after = 10 })
	page.columns { gap = 10,
		{ { text = k("to"), font = "label", after = 1 }, { text = c.name, font = "strong" },
		  c.attention and t("attention", c.attention), c.address_lines,
		  c.vat_id and (t("customer_vat_id") .. " " .. c.vat_id) },
		function() page.fields { label_font = "label", align = "right",
			{ k("date"), fmt.date(doc.date, "long") },
			not credit and { quote and t("valid_until") or t("due_date"), fmt.date(doc.due_date, "long") },
			credit and doc.related and { t("credited_invoice"), doc.related.number } or false,
			doc.reference ~= doc.number and { t("reference"), doc.reference },
		} end,
	}
	page.space(14)
	if doc.intro then page.text(doc.intro, { after = 5 }) end

	local vat = o.prices ~= "none"
	local columns = { { t("description"), width = "1fr" } }
	if vat then columns[#columns + 1] = { t("vat"), width = 14, align = "right" } end
	columns[#columns + 1] = { t("amount"), width = 28, align = "right" }
	page.table {
		columns = columns, rows = doc.lines, lines = "#e4e4e4", header_rule = ink, padding = 0, row_padding = 2.2,
		row = function(l)
			local r = { l.description .. "\n" .. fmt.qty(l.quantity, l.unit) .. " × " .. fmt.money(l.price) }
			if vat then r[#r + 1] = l.vat_label end
			r[#r + 1] = fmt.money(l.total)
			return r
		end,
	}
	page.space(6)
	page.keep_together(function()
		page.totals { width = 80, spacing = 1.8, doc.totals_rows }
		for _, w in ipairs(doc.vat_wording) do page.text(w, { before = 3, align = "right", size = 8 }) end
		page.space(12)
		if quote then
			page.text(t("quote_terms", fmt.date(doc.due_date, "long"), number), { width = 120 })
		elseif doc.kind == "invoice" then
			page.text(t("payment_terms", fmt.money(doc.totals.open), fmt.date(doc.due_date, "long"),
			            s.iban or "", doc.reference or number), { width = 120 })
		end
		if doc.closing then page.text(doc.closing, { before = 4, width = 120 }) end
		if doc.notes then page.text(doc.notes, { font = "small", before = 4, width = 120 }) end
	end)
end

return style
