-- classic.lua: facta's default house style. A calm Dutch document: seller top
-- right, the customer in the window of a C5/DL envelope, one VAT row per rate,
-- and in the footer everything the law asks for (KvK, btw-id, IBAN).
-- Invoices, quotes and credit notes; options: colour, logo, paper, prices.
local style = { name = "classic", kinds = { "invoice", "quote", "credit_note", "reminder" } }

local function join(sep, ...)
	local out = {}
	for _, v in ipairs({ ... }) do if v then out[#out + 1] = v end end
	return table.concat(out, sep)
end

local function labelled(key, value) return value and (t(key) .. " " .. value) end

function style.render(doc, page)
	local s, c, o = doc.seller, doc.customer, doc.options
	local quote = doc.kind == "quote"
	local accent = o.colour or "#1b4d89"
	local iban = s.iban and s.iban:gsub("(....)", "%1\u{a0}"):gsub("\u{a0}$", "")
	local number = doc.number or t("draft")
	local credit = doc.kind == "credit_note"
	local k = function(key)
		return t(quote and "quote_" .. key or credit and "credit_note_" .. key or key)
	end

	page.setup {
		size = o.paper or "A4", margin = { 20, 18, 26, 20 },
		header = function(p)
			if p.number > 1 then
				p.text(join("  ·  ", t(doc.kind) .. " " .. number, s.name),
				       { font = "small", align = "right" })
			end
		end,
		footer = function(p)
			p.rule { before = 0, after = 2, colour = "#cccccc" }
			p.columns {
				{ join("  ·  ", s.name, labelled("kvk", s.kvk), labelled("vat_id", s.vat_id),
				       labelled("iban", iban)), font = "small", width = "5fr" },
				{ t("page_of", p.number, p.count), font = "small", align = "right" },
			}
		end,
	}
	page.font { name = "title", size = 22, weight = "bold", colour = accent }
	page.font { name = "label", size = 7.5, colour = "#707070" }
	page.font { name = "small", size = 7, colour = "#707070" }
	page.font { name = "strong", weight = "bold" }
	page.font { name = "table_header", size = 7.5, weight = "bold", colour = "#444444" }
	page.font { name = "total", size = 10.5, weight = "bold", colour = accent }

	if o.logo then page.image(o.logo, { x = 20, y = 6, width = 30 }) end
	page.text(t(doc.kind), { font = "title" })
	page.box { x = 122, y = 20, w = 70, align = "right",
		{ text = s.name, font = "strong" }, s.address_lines, s.email, s.phone }
	page.box { x = 20, y = 50, w = 85,                     -- envelope window
		{ text = k("to"), font = "label", after = 1 },
		{ text = c.name, font = "strong" }, c.attention and t("attention", c.attention),
		c.address_lines }
	page.box { x = 122, y = 50, w = 70, function()
		page.fields { align = "right",
			{ k("number"), number },
			{ k("date"), fmt.date(doc.date, "long") },
			not credit and { quote and t("valid_until") or t("due_date"), fmt.date(doc.due_date, "long") },
			credit and doc.related and { t("credited_invoice"), doc.related.number } or false,
			doc.reference ~= doc.number and { t("reference"), doc.reference },
			c.vat_id and { t("customer_vat_id"), c.vat_id },
		}
	end }
	page.move_to(92)
	if doc.intro then page.text(doc.intro, { after = 4 }) end

	local vat = o.prices ~= "none"
	local columns = {
		{ t("description"), width = "1fr" },
		{ t("quantity"), width = 22, align = "right" },
		{ t("price"), width = 24, align = "right" },
	}
	if vat then columns[#columns + 1] = { t("vat"), width = 13, align = "right" } end
	columns[#columns + 1] = { t("amount"), width = 25, align = "right" }
	page.table {
		columns = columns,
		rows = doc.lines,
		row = function(l)
			local r = { l.description, fmt.qty(l.quantity, l.unit), fmt.money(l.price) }
			if vat then r[#r + 1] = l.vat_label end
			r[#r + 1] = fmt.money(l.total)
			return r
		end,
	}

	page.space(4)
	page.keep_together(function()
		page.totals { width = 84, doc.totals_rows }
		for _, w in ipairs(doc.vat_wording) do page.text(w, { font = "strong", before = 2 }) end
		page.space(8)
		if quote then
			page.text(t("quote_terms", fmt.date(doc.due_date, "long"), number))
		elseif doc.kind == "invoice" then
			page.text(t("payment_terms", fmt.money(doc.totals.open), fmt.date(doc.due_date, "long"),
			            iban or "", doc.reference or number))
		end
		if doc.closing then page.text(doc.closing, { before = 3 }) end
		if doc.notes then page.text(doc.notes, { colour = "#555555", size = 8, before = 3 }) end
	end)
end

return style
