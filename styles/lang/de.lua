-- de.lua: German language pack for facta house styles: money and date
-- formats and the standard texts of quotes, invoices, credit notes and
-- reminders, with the mandatory VAT wording. {1}, {2}, ... are arguments of t().
return {
	code = "de",
	money = { symbol = "€", decimal = ",", thousands = ".", symbol_space = true },
	date = {
		short = "DD.MM.YYYY",
		long = "D. MMMM YYYY",
		months = { "Januar", "Februar", "März", "April", "Mai", "Juni",
		           "Juli", "August", "September", "Oktober", "November",
		           "Dezember" },
	},
	countries = {
		NL = "Niederlande", BE = "Belgien", DE = "Deutschland", FR = "Frankreich",
		GB = "Vereinigtes Königreich", LU = "Luxemburg", US = "Vereinigte Staaten",
		AT = "Österreich", CH = "Schweiz", DK = "Dänemark",
	},
	texts = {
		invoice = "Rechnung",
		quote = "Angebot",
		credit_note = "Gutschrift",
		reminder = "Zahlungserinnerung",
		draft = "ENTWURF",
		to = "Rechnung an",
		attention = "z. Hd. {1}",
		number = "Rechnungsnummer",
		date = "Rechnungsdatum",
		due_date = "Fälligkeitsdatum",
		reference = "Referenz",
		description = "Beschreibung",
		quantity = "Menge",
		price = "Preis",
		vat = "USt.",
		amount = "Betrag",
		subtotal = "Zwischensumme",
		vat_line = "USt. {1} auf {2}",
		vat_total = "USt. gesamt",
		total = "Gesamtbetrag",
		paid = "Bezahlt",
		open = "Offener Betrag",
		payment_terms = "Bitte überweisen Sie den Betrag von {1} bis zum {2} "
			.. "auf {3} unter Angabe der Rechnungsnummer {4}.",
		page_of = "Seite {1} von {2}",
		discount = "Rabatt",
		total_incl = "Gesamtbetrag inkl. USt.",
		vat_included = "Enthaltene USt. {1}",
		quote_to = "Angebot für",
		quote_number = "Angebotsnummer",
		quote_date = "Angebotsdatum",
		quote_terms = "Dieses Angebot ist gültig bis {1}. Zur Annahme "
			.. "antworten Sie bitte unter Angabe der Angebotsnummer {2}.",
		contact = "Ansprechpartner",
		website = "Website",
		unit_price = "Einzelpreis",
		kvk = "Handelsregister (KvK)",
		vat_id = "USt-IdNr.",
		iban = "IBAN",
		bic = "BIC",
		email = "E-Mail",
		phone = "Telefon",
		customer_vat_id = "USt-IdNr. Kunde",
		reverse_charge = "Steuerschuldnerschaft des Leistungsempfängers",
		vat_exempt = "Von der Umsatzsteuer befreit (Art. 11 niederl. UStG)",
		vat_reverse_charge = "Steuerschuldnerschaft des Leistungsempfängers",
		vat_eu_services = "Steuerschuldnerschaft des Leistungsempfängers: "
			.. "Dienstleistung an einen Unternehmer in der EU "
			.. "(Art. 44 und 196 MwSt-Richtlinie)",
		vat_eu_goods = "Steuerfreie innergemeinschaftliche Lieferung, 0% USt."
			.. " (Art. 138 MwSt-Richtlinie)",
		vat_export = "Ausfuhr außerhalb der EU, 0% USt.",
		vat_kor = "Keine Umsatzsteuer nach der niederländischen "
			.. "Kleinunternehmerregelung (KOR)",
		credit_of = "Gutschrift zu Rechnung {1} vom {2}",
		credit_note_to = "Gutschrift an",
		credit_note_number = "Gutschrift-Nr.",
		credit_note_date = "Gutschriftsdatum",
		credited_invoice = "Zu Rechnung",
		valid_until = "Gültig bis",
		quote_ref = "Angebot {1}",
		reminder_first = "Laut unseren Unterlagen ist die Rechnung {1} vom {2}"
			.. " noch nicht (vollständig) bezahlt. Bitte überweisen Sie"
			.. " den offenen Betrag von {3} innerhalb von 7 Tagen auf {4}"
			.. " unter Angabe der Rechnungsnummer {1}.",
		reminder_second = "Trotz unserer Erinnerung haben wir die Zahlung der"
			.. " Rechnung {1} vom {2} noch nicht erhalten. Bitte"
			.. " überweisen Sie den offenen Betrag von {3} innerhalb von"
			.. " 5 Tagen auf {4} unter Angabe der Rechnungsnummer {1}.",
		mail_invoice_subject = "Rechnung {2} von {6}",
		mail_invoice_body = "Guten Tag {1},\n\nanbei erhalten Sie die Rechnung"
			.. " {2} vom {3} über {4}. Bitte überweisen Sie den Betrag"
			.. " bis zum {5} auf {7} unter Angabe der Rechnungsnummer"
			.. " {2}.\n\nMit freundlichen Grüßen\n{6}\n",
		mail_quote_subject = "Angebot {2} von {6}",
		mail_quote_body = "Guten Tag {1},\n\nanbei erhalten Sie unser Angebot"
			.. " {2} vom {3} über {4}, gültig bis zum {5}. Für eine"
			.. " Zusage antworten Sie bitte unter Angabe der"
			.. " Angebotsnummer {2}.\n\nMit freundlichen Grüßen\n{6}\n",
	},
}
