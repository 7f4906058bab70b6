"""Entry point: app config, navigation and the shared sidebar (placeholder)."""

import streamlit as st

st.set_page_config(page_title="International cooperation", layout="wide")
st.title("International cooperation")
