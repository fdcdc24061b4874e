// Every partner organisation with its service lead contact.
MATCH (o:Organisation)
RETURN o {.code, .name, .kind, .lead_name, .lead_phone, .lead_email} AS organisation
ORDER BY o.code
