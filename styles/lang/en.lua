-- en.lua: English language pack for facta house styles: money and date
-- formats and the standard invoice texts. {1}, {2}, ... are arguments of t().
return {
	code = "en",
	money = { symbol = "€", decimal = ".", thousands = ",", symbol_space = false },
	date = {
		short = "D MMMM YYYY",
		long = "D MMMM YYYY",
		months = { "January", "February", "March", "April", "May", "June",
		           "July", "August", "September", "October", "November",
		           "December" },
	},
	countries = {
		NL = "The Netherlands", BE = "Belgium", DE = "Germany", FR = "France",
		GB = "United Kingdom", LU = "Luxembourg", US = "United States",
	},
	texts = {
		invoice = "Invoice",
		quote = "Quote",
		credit_note = "Credit note",
		reminder = "Reminder",
		draft = "DRAFT",
		to = "Billed to",
		attention = "attn. {1}",
		number = "Invoice number",
		date = "Invoice date",
		due_date = "Due date",
		reference = "Reference",
		description = "Description",
		quantity = "Quantity",
		price = "Price",
		vat = "VAT",
		amount = "Amount",
		subtotal = "Subtotal",
		vat_line = "VAT {1} on {2}",
		vat_total = "Total VAT",
		total = "Total",
		paid = "Paid",
		open = "Amount due",
		payment_terms = "Please transfer {1} before {2} to {3}, quoting "
			.. "invoice number {4}.",
		page_of = "Page {1} of {2}",
		discount = "Discount",
		total_incl = "Total incl. VAT",
		vat_included = "Including VAT {1}",
		quote_to = "Quote for",
		quote_number = "Quote number",
		quote_date = "Quote date",
		quote_terms = "This quote is valid until {1}. To accept, please "
			.. "reply quoting quote number {2}.",
		contact = "Contact",
		website = "Website",
		unit_price = "Unit price",
		kvk = "CoC",
		vat_id = "VAT ID",
		iban = "IBAN",
		bic = "BIC",
		email = "Email",
		phone = "Phone",
		customer_vat_id = "Customer VAT ID",
		reverse_charge = "VAT reverse-charged",
		vat_exempt = "VAT exempt (art. 11 Dutch VAT Act)",
		vat_reverse_charge = "VAT reverse-charged",
		vat_eu_services = "Reverse charge: service to a business in the EU"
			.. " (art. 44 and 196 VAT Directive)",
		vat_eu_goods = "Intra-Community supply, 0% VAT"
			.. " (art. 138 VAT Directive)",
		vat_export = "Export outside the EU, 0% VAT",
		vat_kor = "VAT exempt under the Dutch small business scheme (KOR)",
		credit_of = "Credit for invoice {1} of {2}",
		credit_note_to = "Credit note to",
		credit_note_number = "Credit note number",
		credit_note_date = "Credit note date",
		credited_invoice = "Credits invoice",
		valid_until = "Valid until",
		quote_ref = "Quote {1}",
		reminder_first = "According to our records invoice {1} of {2} has"
			.. " not been paid in full. Please transfer the amount due"
			.. " of {3} within 7 days to {4}, quoting invoice number {1}.",
		reminder_second = "Despite our earlier reminder we have not yet"
			.. " received payment of invoice {1} of {2}. Please transfer"
			.. " the amount due of {3} within 5 days to {4}, quoting"
			.. " invoice number {1}.",
		mail_invoice_subject = "Invoice {2} from {6}",
		mail_invoice_body = "Dear {1},\n\nPlease find attached invoice {2}"
			.. " of {3} for {4}. Kindly transfer the amount before {5}"
			.. " to {7}, quoting invoice number {2}.\n\nKind regards,"
			.. "\n{6}\n",
		mail_quote_subject = "Quote {2} from {6}",
		mail_quote_body = "Dear {1},\n\nPlease find attached our quote {2}"
			.. " of {3} for {4}, valid until {5}. To accept it, let us"
			.. " know quoting number {2}.\n\nKind regards,\n{6}\n",
	},
}
