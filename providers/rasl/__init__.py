"""RASL: WhatsApp Business contacts grouped by the tenant. `adapter` speaks the protocol;
`answers` reads what the API returns."""
