-- classic.lua: facta's default house style. A calm Dutch invoice: seller top
-- right, the customer in the window of a C5/DL envelope, one VAT row per rate,
-- and in the footer everything the law asks for (KvK, btw-id, IBAN).
local style = { name = "classic", kinds = { "invoice" } }

local function join(sep, ...)
	local out = {}
	for _, v in ipairs({ ... }) do if v then out[#out + 1] = v end end
	return table.concat(out, sep)
end

local function labelled(key, value) return value and (t(key) .. " " .. value) end

function style.render(doc, page)
	local s, c = doc.seller, doc.customer
	local accent = doc.options.colour or "#1b4d89"
	local iban = s.iban and s.iban:gsub("(....)", "%1\u{a0}"):gsub("\u{a0}$", "")
	local number = doc.number or t("draft")

	page.setup {
		size = "A4", margin = { 20, 18, 26, 20 },
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

	page.text(t(doc.kind), { font = "title" })
	page.box { x = 122, y = 20, w = 70, align = "right",
		{ text = s.name, font = "strong" }, s.address_lines, s.email, s.phone }
	page.box { x = 20, y = 50, w = 85,                     -- envelope window
		{ text = t("to"), font = "label", after = 1 },
		{ text = c.name, font = "strong" }, c.attention and t("attention", c.attention),
		c.address_lines }
	page.box { x = 122, y = 50, w = 70, function()
		page.fields { align = "right",
			{ t("number"), number },
			{ t("date"), fmt.date(doc.date, "long") },
			{ t("due_date"), fmt.date(doc.due_date, "long") },
			doc.reference ~= doc.number and { t("reference"), doc.reference },
			c.vat_id and { t("customer_vat_id"), c.vat_id },
		}
	end }
	page.move_to(92)

	page.table {
		columns = {
			{ t("description"), width = "1fr" },
			{ t("quantity"), width = 22, align = "right" },
			{ t("price"), width = 24, align = "right" },
			{ t("vat"), width = 13, align = "right" },
			{ t("amount"), width = 25, align = "right" },
		},
		rows = doc.lines,
		row = function(l)
			return { l.description, fmt.qty(l.quantity, l.unit), fmt.money(l.unit_price),
			         l.vat_label, fmt.money(l.amount) }
		end,
	}

	page.space(4)
	page.keep_together(function()
		page.totals { width = 84,
			{ t("subtotal"), fmt.money(doc.totals.excl) },
			doc.vat_rows,
			{ t("total"), fmt.money(doc.totals.incl), bold = true },
		}
		page.space(8)
		page.text(t("payment_terms", fmt.money(doc.totals.incl), fmt.date(doc.due_date, "long"),
		            iban or "", doc.reference or number))
		if doc.notes then page.text(doc.notes, { colour = "#555555", size = 8, before = 3 }) end
	end)
end

return style
