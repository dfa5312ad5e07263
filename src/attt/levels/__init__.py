"""Security levels (cấp độ hệ thống thông tin): legal criteria as data and a pure classifier."""
