-- modern.lua: a bold, contemporary house style: a full-width colour band with
-- the document title and seller, the parties side by side on tinted cards, a
-- striped table with a coloured header, and totals on an accent panel.
-- Invoices, quotes and credit notes; options: colour, logo, paper, prices.
local style = { name = "modern", kinds = { "invoice", "quote", "credit_note", "reminder" } }

local function join(sep, ...)
	local out = {}
	for _, v in ipairs({ ... }) do if v then out[#out + 1] = v end end
	return table.concat(out, sep)
end

function style.render(doc, page)
	local s, c, o = doc.seller, doc.customer, doc.options
	local quote = doc.kind == "quote"
	local accent = o.colour or "#0f766e"
	local number = doc.number or t("draft")
	local credit = doc.kind == "credit_note"
	local k = function(key)
		return t(quote and "quote_" .. key or credit and "credit_note_" .. key or key)
	end
	local letter = o.paper == "Letter"
	local pw = letter and 215.9 or 210

	page.setup {
		size = o.paper or "A4", margin = { 16, 16, 24, 16 },
		header = function(p)
			if p.number > 1 then
				p.box { x = 0, y = 0, w = pw, h = 8, fill = accent }
			end
		end,
		footer = function(p)
			p.columns {
				{ join("   ", s.name, s.kvk and ("KvK " .. s.kvk), s.vat_id and (t("vat_id") .. " " .. s.vat_id),
				       s.iban and ("IBAN " .. s.iban), s.bic and ("BIC " .. s.bic)), font = "small", width = "6fr" },
				{ t("page_of", p.number, p.count), font = "small_accent", align = "right" },
			}
		end,
	}
	page.font { name = "title", size = 26, weight = "bold", colour = "#ffffff" }
	page.font { name = "band", size = 8, colour = "#e6f2f0" }
	page.font { name = "band_strong", size = 9, weight = "bold", colour = "#ffffff" }
	page.font { name = "label", size = 7, weight = "bold", colour = accent }
	page.font { name = "small", size = 6.8, colour = "#6b7280" }
	page.font { name = "small_accent", size = 6.8, weight = "bold", colour = accent }
	page.font { name = "strong", weight = "bold", colour = "#111827" }
	page.font { name = "table_header", size = 7.5, weight = "bold", colour = "#ffffff" }
	page.font { name = "total", size = 11, weight = "bold", colour = accent }

	-- The band: title left, seller right.
	page.box { x = 0, y = 0, w = pw, h = 44, fill = accent }
	page.box { x = 16, y = 14, w = 100, { text = t(doc.kind), font = "title" },
		{ text = number, font = "band_strong" } }
	page.box { x = pw - 86, y = 12, w = 70, align = "right",
		{ text = s.name, font = "band_strong", align = "right" },
		{ text = s.address_lines, font = "band", align = "right" },
		{ text = join(" · ", s.email, s.phone), font = "band", align = "right" } }
	if o.logo then page.image(o.logo, { x = pw - 46, y = 4, width = 30 }) end

	page.move_to(52)
	page.columns { gap = 6,
		function() page.box { padding = 4, fill = "#f1f5f4",
			{ text = k("to"), font = "label", after = 1.5 },
			{ text = c.name, font = "strong" }, c.attention and t("attention", c.attention),
			c.address_lines, c.vat_id and (t("customer_vat_id") .. ": " .. c.vat_id) } end,
		function() page.box { padding = 4, fill = "#f1f5f4", function()
			page.fields { label_font = "label",
				{ k("date"), fmt.date(doc.date, "long") },
				not credit and { quote and t("valid_until") or t("due_date"), fmt.date(doc.due_date, "long") },
				credit and doc.related and { t("credited_invoice"), doc.related.number } or false,
				doc.reference ~= doc.number and { t("reference"), doc.reference },
			}
		end } end,
	}
	page.space(8)
	if doc.intro then page.text(doc.intro, { after = 4 }) end

	local vat = o.prices ~= "none"
	local columns = {
		{ t("description"), width = "1fr" },
		{ t("quantity"), width = 22, align = "right" },
		{ t("price"), width = 24, align = "right" },
	}
	if vat then columns[#columns + 1] = { t("vat"), width = 13, align = "right" } end
	columns[#columns + 1] = { t("amount"), width = 26, align = "right" }
	page.table {
		columns = columns, rows = doc.lines, header_fill = accent, header_rule = accent,
		stripe = "#f6f8f8", lines = false, padding = 2, row_padding = 1.8,
		row = function(l)
			local r = { l.description, fmt.qty(l.quantity, l.unit), fmt.money(l.price) }
			if vat then r[#r + 1] = l.vat_label end
			r[#r + 1] = { text = fmt.money(l.total), weight = "bold" }
			return r
		end,
	}

	page.space(5)
	page.keep_together(function()
		page.totals { width = 88, spacing = 1.6, doc.totals_rows }
		for _, w in ipairs(doc.vat_wording) do page.text(w, { font = "label", before = 3, align = "right" }) end
		page.space(6)
		local terms = quote and t("quote_terms", fmt.date(doc.due_date, "long"), number)
			or doc.kind == "invoice" and t("payment_terms", fmt.money(doc.totals.open),
				fmt.date(doc.due_date, "long"), s.iban or "", doc.reference or number)
		if terms then page.box { padding = 3.5, border = accent, border_width = 0.8, terms } end
		if doc.closing then page.text(doc.closing, { before = 3 }) end
		if doc.notes then page.text(doc.notes, { colour = "#6b7280", size = 8, before = 3 }) end
	end)
end

return style
