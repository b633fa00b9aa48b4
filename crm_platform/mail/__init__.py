"""Outbound email through an SMTP relay, always from a background job.

The modules: ``config`` (``CRM_SMTP_URL`` and friends, whether email is on, absolute links),
``tables`` (``crm_outbound_email``), ``outbox`` (``send_email``, which queues, and the job
that sends), ``smtp`` (one connection to the relay, aiosmtplib).
"""
