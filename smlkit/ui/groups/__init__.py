"""The facilitator's learning-groups page and the meeting clock."""
