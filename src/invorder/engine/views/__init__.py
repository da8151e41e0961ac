"""The engine's queries, one module per domain area: plain functions over the projections
(and the log, for history) that :class:`~invorder.Engine`'s query methods call.

================  ======================================================================
module            what it answers
================  ======================================================================
``stock``         balances, roll-ups, history, balances as of a time, catalog, locations,
                  transfers; a ledger replayed from events (``fold``)
``reservations``  reservations by id or filtered
``availability``  ATP (location, by date, channel), stock position and stock-out risk,
                  channels, the sets published to channels and their differences
``purchasing``    purchase orders, late lines, suppliers, inventory valuation
``commerce``      price lists, invoices and credit notes, where an order's invoicing stands
``payments``      an order's payment status and amounts, the provider's facts
``orders``        orders, shipments, returns, alerts
================  ======================================================================
"""
