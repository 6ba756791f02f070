"""The PEP on paper: the print (`printing`, with `print/` holding its stylesheet and fonts), the
signed-off copy kept once in private storage (`copies`, `storage`) and the downloads (`views`)."""
