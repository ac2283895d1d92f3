-- nl.lua: Dutch language pack for facta house styles: money and date
-- formats and the standard invoice texts. {1}, {2}, ... are arguments of t().
return {
	code = "nl",
	money = { symbol = "€", decimal = ",", thousands = ".", symbol_space = true },
	date = {
		short = "DD-MM-YYYY",
		long = "D MMMM YYYY",
		months = { "januari", "februari", "maart", "april", "mei", "juni",
		           "juli", "augustus", "september", "oktober", "november",
		           "december" },
	},
	countries = {
		NL = "Nederland", BE = "België", DE = "Duitsland", FR = "Frankrijk",
		GB = "Verenigd Koninkrijk", LU = "Luxemburg", US = "Verenigde Staten",
	},
	texts = {
		invoice = "Factuur",
		quote = "Offerte",
		credit_note = "Creditnota",
		reminder = "Herinnering",
		draft = "CONCEPT",
		to = "Factuur aan",
		attention = "t.a.v. {1}",
		number = "Factuurnummer",
		date = "Factuurdatum",
		due_date = "Vervaldatum",
		reference = "Kenmerk",
		description = "Omschrijving",
		quantity = "Aantal",
		price = "Prijs",
		vat = "Btw",
		amount = "Bedrag",
		subtotal = "Subtotaal",
		vat_line = "Btw {1} over {2}",
		vat_total = "Totaal btw",
		total = "Totaal",
		paid = "Betaald",
		open = "Te betalen",
		payment_terms = "Wij verzoeken u het bedrag van {1} vóór {2} over te "
			.. "maken op {3} o.v.v. factuurnummer {4}.",
		page_of = "Pagina {1} van {2}",
		discount = "Korting",
		total_incl = "Totaal incl. btw",
		vat_included = "Waarvan btw {1}",
		quote_to = "Offerte voor",
		quote_number = "Offertenummer",
		quote_date = "Offertedatum",
		quote_terms = "Deze offerte is geldig tot {1}. Akkoord? Laat het ons "
			.. "weten onder vermelding van offertenummer {2}.",
		contact = "Contactpersoon",
		website = "Website",
		unit_price = "Stukprijs",
		kvk = "KvK",
		vat_id = "Btw-id",
		iban = "IBAN",
		bic = "BIC",
		email = "E-mail",
		phone = "Telefoon",
		customer_vat_id = "Btw-id klant",
		reverse_charge = "Btw verlegd",
		vat_exempt = "Vrijgesteld van btw (art. 11 Wet OB)",
		vat_reverse_charge = "Btw verlegd",
		vat_eu_services = "Btw verlegd: dienst aan een ondernemer in de EU"
			.. " (art. 44 en 196 Btw-richtlijn)",
		vat_eu_goods = "Intracommunautaire levering, 0% btw"
			.. " (art. 138 Btw-richtlijn)",
		vat_export = "Uitvoer buiten de EU, 0% btw",
		vat_kor = "Vrijgesteld van btw op grond van de"
			.. " kleineondernemersregeling (KOR)",
		credit_of = "Creditering van factuur {1} van {2}",
		credit_note_to = "Creditnota aan",
		credit_note_number = "Creditnotanr.",
		credit_note_date = "Creditnotadatum",
		credited_invoice = "Betreft factuur",
		valid_until = "Geldig tot",
		quote_ref = "Offerte {1}",
		reminder_first = "Volgens onze administratie is factuur {1} van {2}"
			.. " nog niet (volledig) betaald. Wij verzoeken u het"
			.. " openstaande bedrag van {3} binnen 7 dagen over te maken"
			.. " op {4} o.v.v. factuurnummer {1}.",
		reminder_second = "Ondanks onze eerdere herinnering hebben wij de"
			.. " betaling van factuur {1} van {2} nog niet ontvangen."
			.. " Wij verzoeken u het openstaande bedrag van {3} binnen"
			.. " 5 dagen over te maken op {4} o.v.v. factuurnummer {1}.",
		mail_invoice_subject = "Factuur {2} van {6}",
		mail_invoice_body = "Beste {1},\n\nIn de bijlage vindt u factuur {2}"
			.. " van {3} voor een bedrag van {4}. Wij verzoeken u dit"
			.. " bedrag vóór {5} over te maken op {7} o.v.v."
			.. " factuurnummer {2}.\n\nMet vriendelijke groet,\n{6}\n",
		mail_quote_subject = "Offerte {2} van {6}",
		mail_quote_body = "Beste {1},\n\nIn de bijlage vindt u onze offerte"
			.. " {2} van {3} voor een bedrag van {4}, geldig tot {5}."
			.. " Akkoord? Laat het ons weten onder vermelding van"
			.. " offertenummer {2}.\n\nMet vriendelijke groet,\n{6}\n",
	},
}
