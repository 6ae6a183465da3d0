# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] lang="en"
# # Lesson 5 · Backpropagation by hand
#
# In lesson 4, `loss.backward()` filled in the gradient of every weight. In this lesson you do its
# job yourself, for a small two-layer network, with nothing but the chain rule and matrix products:
#
# 1. define the network and its loss, and run it forward on a tiny example;
# 2. derive every gradient step by step, with the shape of every quantity, and check each number
#    against autograd;
# 3. write the whole backward pass as one function (the graded exercise);
# 4. verify hand-written gradients without autograd, by **gradient checking** with central differences;
# 5. train the network with your own gradients on a small problem that needs a hidden layer.
#
# Backpropagation is not magic: it is the chain rule, applied from the loss backwards, reusing what
# the forward pass computed. Once you have done it by hand, vanishing gradients, shape errors and
# custom layers stop being mysterious.
#
# **Objectives:** after this lesson you can derive and code the backward pass of a two-layer
# network, see why losses should take logits, and check a backward pass with
# `torch.autograd.gradcheck`.
#
# **Time:** about 75 minutes: reading, running every cell, and the exercise.

# %% [markdown] lang="zh"
# # 第 5 课 · 手推反向传播
#
# 在第 4 课里，`loss.backward()` 为每个权重填好了梯度。这一课由你亲手完成它的工作：对象是一个小小的两层网络，
# 工具只有链式法则和矩阵乘法：
#
# 1. 定义网络和损失函数，在一个很小的例子上做前向计算；
# 2. 一步一步推导每个梯度，写清每个量的形状，并把每个数与 autograd 的结果对照；
# 3. 把整个反向传播写成一个函数（本课的评分练习）；
# 4. 不借助 autograd，用中心差分做**梯度检验**，验证手写的梯度；
# 5. 用你自己算出的梯度，在一个必须有隐藏层才能解决的小问题上训练这个网络。
#
# 反向传播并不神秘：它就是从损失出发、由后往前地应用链式法则，并重复利用前向计算时得到的中间结果。
# 亲手推导过一遍之后，梯度消失、形状错误、自定义层这些问题就不再让人摸不着头脑了。
#
# **学习目标：**学完本课，你将能够推导并写出两层网络的反向传播，理解损失函数为什么应该接收 logits，并用 `torch.autograd.gradcheck` 检验反向传播。
#
# **用时：**约 75 分钟（阅读、运行每个单元格、完成练习）。

# %%
import torch
import torch.nn.functional as F
from torch import nn

import helper

device = helper.device()
generator = helper.seed_everything(0)
torch.set_printoptions(precision=4)
print("PyTorch", torch.__version__, helper.tr(en="on", zh="运行在"), device)

# %% [markdown] lang="en"
# ## 1. The network and its loss
#
# The network has $D$ inputs, $H$ hidden units with a sigmoid, and one output with a sigmoid, the
# probability that the label is 1. To keep the algebra short it has no biases (section 5 shows how
# to get one back). For a batch of $N$ examples:
#
# | quantity | formula | shape |
# |---|---|---|
# | inputs | $X$ | `(N, D)` |
# | first weights | $W_1$ | `(D, H)` |
# | hidden pre-activation | $z_1 = X W_1$ | `(N, H)` |
# | hidden activation | $h = \sigma(z_1)$ | `(N, H)` |
# | second weights | $W_2$ | `(H, 1)` |
# | output pre-activation (logit) | $z_2 = h W_2$ | `(N, 1)` |
# | prediction | $\hat y = \sigma(z_2)$ | `(N, 1)` |
# | labels | $y \in \{0, 1\}$ | `(N, 1)` |
#
# The loss is the **binary cross-entropy**, averaged over the batch:
#
# $$L = -\frac{1}{N} \sum_{n=1}^{N} \Big[ y_n \log \hat y_n + (1 - y_n) \log (1 - \hat y_n) \Big].$$
#
# It is lesson 4's cross-entropy for two classes: the network gives the true class the probability
# $\hat y_n$ when $y_n = 1$ and $1 - \hat y_n$ when $y_n = 0$, and only one of the two terms is
# non-zero. Here is a tiny worked example with $N = 2$, $D = 2$, $H = 2$, in float64 so that
# comparisons are exact to many digits.

# %% [markdown] lang="zh"
# ## 1. 网络与损失函数
#
# 网络有 $D$ 个输入、$H$ 个带 sigmoid 的隐藏单元，以及一个带 sigmoid 的输出，表示标签为 1 的概率。
# 为了让推导简短，网络不带偏置（第 5 节会介绍怎样把偏置找回来）。对于含 $N$ 个样本的一批数据：
#
# | 量 | 公式 | 形状 |
# |---|---|---|
# | 输入 | $X$ | `(N, D)` |
# | 第一层权重 | $W_1$ | `(D, H)` |
# | 隐藏层的加权和 | $z_1 = X W_1$ | `(N, H)` |
# | 隐藏层的激活值 | $h = \sigma(z_1)$ | `(N, H)` |
# | 第二层权重 | $W_2$ | `(H, 1)` |
# | 输出层的加权和（logit） | $z_2 = h W_2$ | `(N, 1)` |
# | 预测值 | $\hat y = \sigma(z_2)$ | `(N, 1)` |
# | 标签 | $y \in \{0, 1\}$ | `(N, 1)` |
#
# 损失函数是**二元交叉熵**（binary cross-entropy），对这一批求平均：
#
# $$L = -\frac{1}{N} \sum_{n=1}^{N} \Big[ y_n \log \hat y_n + (1 - y_n) \log (1 - \hat y_n) \Big].$$
#
# 它就是第 4 课的交叉熵在两个类别时的形式：$y_n = 1$ 时，网络给真实类别的概率是 $\hat y_n$；$y_n = 0$ 时是 $1 - \hat y_n$；
# 两项中只有一项不为零。下面是一个很小的例子：$N = 2$，$D = 2$，$H = 2$。这里用 float64，方便把结果精确地比较到很多位。

# %%
X = torch.tensor([[1.0, 2.0], [-1.0, 0.5]], dtype=torch.float64)
y = torch.tensor([[1.0], [0.0]], dtype=torch.float64)
W1 = torch.tensor([[0.5, -0.3], [0.2, 0.4]], dtype=torch.float64)
W2 = torch.tensor([[0.7], [-0.6]], dtype=torch.float64)
N = X.shape[0]

z1 = X @ W1
h = torch.sigmoid(z1)
z2 = h @ W2
y_hat = torch.sigmoid(z2)
loss = -(y * torch.log(y_hat) + (1 - y) * torch.log(1 - y_hat)).mean()

for name, value in [("z1", z1), ("h", h), ("z2", z2), ("y_hat", y_hat)]:
    print(f"{name} {tuple(value.shape)}:\n{value}")
print("loss:", loss.item())

# %% [markdown] lang="en"
# The first example ($y = 1$) gets $\hat y = 0.531$ and the second ($y = 0$) gets $0.477$: the
# network barely prefers the right answers, and the loss, $0.64$, is close to $\log 2 = 0.69$, the
# loss of a coin toss.
#
# ## 2. Backwards, one step at a time
#
# We walk from the loss back to the weights. At every step we hold $\partial L / \partial(\text{something})$,
# **which has the same shape as that something**, and the chain rule gives us the step before it.
#
# **Step 1: the loss with respect to the prediction.** Only the $n$-th term of the sum contains
# $\hat y_n$, and $\frac{d}{dx}\log x = \frac{1}{x}$, so
#
# $$\frac{\partial L}{\partial \hat y_n} = -\frac{1}{N}\left(\frac{y_n}{\hat y_n} - \frac{1 - y_n}{1 - \hat y_n}\right)
#   = \frac{1}{N}\,\frac{\hat y_n - y_n}{\hat y_n (1 - \hat y_n)} \qquad \text{shape } (N, 1).$$
#
# **Step 2: the derivative of the sigmoid.** With $\sigma(z) = 1/(1 + e^{-z})$,
#
# $$\sigma'(z) = \frac{e^{-z}}{(1 + e^{-z})^2} = \frac{1}{1 + e^{-z}} \cdot \frac{e^{-z}}{1 + e^{-z}}
#   = \sigma(z)\,\big(1 - \sigma(z)\big).$$
#
# The derivative is computed from the sigmoid's *output*, which the forward pass already has:
# $\sigma'(z_2) = \hat y (1 - \hat y)$ and $\sigma'(z_1) = h (1 - h)$.
#
# **Step 3: through the output sigmoid.** $\hat y_n$ depends on $z_{2,n}$ alone, so we multiply
# element-wise:
#
# $$\frac{\partial L}{\partial z_2} = \frac{\partial L}{\partial \hat y} \odot \hat y (1 - \hat y)
#   = \frac{1}{N}\,\frac{\hat y - y}{\hat y (1 - \hat y)} \odot \hat y (1 - \hat y) = \frac{\hat y - y}{N}
#   \qquad \text{shape } (N, 1).$$
#
# This is the famous simplification: the sigmoid's derivative cancels the denominator of the
# cross-entropy, and what flows back is simply *prediction minus label*, divided by $N$, exactly
# like softmax with cross-entropy in lesson 4 ($p - \text{one-hot}$). It is also numerically kind:
# no division by $\hat y (1 - \hat y)$, which is 0 when the sigmoid saturates.

# %% [markdown] lang="zh"
# 第一个样本（$y = 1$）得到 $\hat y = 0.531$，第二个样本（$y = 0$）得到 $0.477$：网络只是勉强偏向正确答案，
# 损失 $0.64$ 接近 $\log 2 = 0.69$，也就是抛硬币瞎猜时的损失。
#
# ## 2. 由后往前，一步一步来
#
# 我们从损失出发，一路倒推回权重。每一步手里都有一个 $\partial L / \partial(\text{某个量})$，**它的形状与那个量相同**；
# 链式法则则告诉我们前一步的梯度是什么。
#
# **第 1 步：损失对预测值求导。** 求和式中只有第 $n$ 项含有 $\hat y_n$，又因为 $\frac{d}{dx}\log x = \frac{1}{x}$，所以
#
# $$\frac{\partial L}{\partial \hat y_n} = -\frac{1}{N}\left(\frac{y_n}{\hat y_n} - \frac{1 - y_n}{1 - \hat y_n}\right)
#   = \frac{1}{N}\,\frac{\hat y_n - y_n}{\hat y_n (1 - \hat y_n)} \qquad \text{形状 } (N, 1).$$
#
# **第 2 步：sigmoid 的导数。** 由 $\sigma(z) = 1/(1 + e^{-z})$ 得
#
# $$\sigma'(z) = \frac{e^{-z}}{(1 + e^{-z})^2} = \frac{1}{1 + e^{-z}} \cdot \frac{e^{-z}}{1 + e^{-z}}
#   = \sigma(z)\,\big(1 - \sigma(z)\big).$$
#
# 这个导数可以直接用 sigmoid 的*输出*算出来，而输出在前向计算时已经有了：$\sigma'(z_2) = \hat y (1 - \hat y)$，
# $\sigma'(z_1) = h (1 - h)$。
#
# **第 3 步：穿过输出层的 sigmoid。** $\hat y_n$ 只依赖于 $z_{2,n}$，所以逐元素相乘即可：
#
# $$\frac{\partial L}{\partial z_2} = \frac{\partial L}{\partial \hat y} \odot \hat y (1 - \hat y)
#   = \frac{1}{N}\,\frac{\hat y - y}{\hat y (1 - \hat y)} \odot \hat y (1 - \hat y) = \frac{\hat y - y}{N}
#   \qquad \text{形状 } (N, 1).$$
#
# 这就是那个著名的化简：sigmoid 的导数恰好约掉了交叉熵的分母，反向传回去的只是“预测值减标签”再除以 $N$，
# 与第 4 课中 softmax 配合交叉熵的结果（$p - \text{one-hot}$）如出一辙。它在数值上也很友好：
# 不需要除以 $\hat y (1 - \hat y)$，而 sigmoid 饱和时这个数会变成 0。

# %%
# [en] Steps 1, 2 and 3; every quantity has shape (N, 1).
# [zh] 第 1、2、3 步；每个量的形状都是 (N, 1)。
d_y_hat = (y_hat - y) / (y_hat * (1 - y_hat)) / N
sigmoid_slope = y_hat * (1 - y_hat)
d_z2 = d_y_hat * sigmoid_slope
print("dL/dy_hat:", d_y_hat.T)
print("dL/dz2:   ", d_z2.T)
print("(y_hat - y) / N:", ((y_hat - y) / N).T)

# %% [markdown] lang="en"
# ### When the sigmoid saturates: `BCEWithLogitsLoss`
#
# The formula for $L$ above takes the log of a *probability*. In float32, $\sigma(z)$ rounds to
# exactly 1 once $z$ is above about 17, and then $\log(1 - \hat y) = \log 0 = -\infty$. A single
# confidently wrong example ($z_2 = 40$ for a label 0) makes the loss `inf`, and its gradient is
# $\infty \cdot 0$, which is `nan`: one `nan` in a gradient spreads to every weight after the next
# step. PyTorch's `nn.BCELoss`, which also takes probabilities, clamps its logs at $-100$: no `inf`,
# but a wrong loss, and a gradient of 0 for the very example that is most wrong.
#
# The cure is the same as for softmax in lesson 4: never compute the probability, compute the loss
# from the **logit** $z$. Since $\log \sigma(z) = -\log(1 + e^{-z})$ and $\log(1 - \sigma(z)) = -z - \log(1 + e^{-z})$,
#
# $$\ell(z, y) = \max(z, 0) - z\,y + \log\big(1 + e^{-|z|}\big),$$
#
# where no exponential ever overflows. That is `nn.BCEWithLogitsLoss` (and `F.binary_cross_entropy_with_logits`).
# Its gradient is step 3's result, $\partial L / \partial z_2 = (\sigma(z_2) - y)/N$: a difference of
# two numbers between 0 and 1, never a division by $\hat y (1 - \hat y)$. That is why $(\hat y - y)/N$
# is the stable form of the gradient, and why a network for two classes should output the logit and
# leave the sigmoid to the loss (as a network for ten classes outputs logits for `nn.CrossEntropyLoss`).

# %% [markdown] lang="zh"
# ### sigmoid 饱和的时候：`BCEWithLogitsLoss`
#
# 上面 $L$ 的公式是对一个*概率*取对数。在 float32 里，只要 $z$ 大于 17 左右，$\sigma(z)$ 就会被舍入成恰好等于 1，
# 于是 $\log(1 - \hat y) = \log 0 = -\infty$。只要有一个样本自信地答错（标签为 0，而 $z_2 = 40$），损失就是 `inf`，
# 它的梯度是 $\infty \cdot 0$，也就是 `nan`；梯度里只要有一个 `nan`，下一步更新之后所有权重都会变成 `nan`。
# PyTorch 的 `nn.BCELoss` 同样接收概率，它把对数截断在 $-100$：虽然不会出现 `inf`，但损失算错了，
# 而错得最离谱的那个样本，梯度反而是 0。
#
# 解决办法和第 4 课的 softmax 一样：根本不去算概率，而是直接从 **logit** $z$ 计算损失。由于
# $\log \sigma(z) = -\log(1 + e^{-z})$，$\log(1 - \sigma(z)) = -z - \log(1 + e^{-z})$，
#
# $$\ell(z, y) = \max(z, 0) - z\,y + \log\big(1 + e^{-|z|}\big),$$
#
# 其中的指数运算永远不会溢出。这就是 `nn.BCEWithLogitsLoss`（以及 `F.binary_cross_entropy_with_logits`）。
# 它的梯度就是第 3 步的结果 $\partial L / \partial z_2 = (\sigma(z_2) - y)/N$：两个 0 到 1 之间的数相减，
# 从不需要除以 $\hat y (1 - \hat y)$。所以 $(\hat y - y)/N$ 是梯度的稳定写法；也正因如此，二分类网络应该输出 logit，
# 把 sigmoid 交给损失函数去做（就像十分类的网络输出 logits，交给 `nn.CrossEntropyLoss`）。

# %%
# [en] Two confidently wrong examples, in float32: logit 40 for label 0, -40 for label 1.
# [zh] 两个自信地答错的样本，使用 float32：标签为 0 的 logit 是 40，标签为 1 的是 -40。
logit = torch.tensor([[40.0], [-40.0]], requires_grad=True)
label = torch.tensor([[0.0], [1.0]])
probability = torch.sigmoid(logit)
losses = {
    helper.tr(en="BCE on probabilities", zh="对概率计算 BCE"): -(label * torch.log(probability) + (1 - label) * torch.log(1 - probability)).mean(),
    "nn.BCELoss": nn.BCELoss()(probability, label),
    "nn.BCEWithLogitsLoss": nn.BCEWithLogitsLoss()(logit, label),
}
for name, value in losses.items():
    (gradient,) = torch.autograd.grad(value, logit, retain_graph=True)
    print(f"{name:21s}", helper.tr(en="loss", zh="损失"), f"{value.item():6.1f}   dL/dz {gradient.flatten().tolist()}")
print("(sigmoid(z) - y) / N:", ((torch.sigmoid(logit) - label) / 2).flatten().tolist())

# %% [markdown] lang="en"
# **Step 4: the second weights.** Write the matrix product out: $z_{2,n} = \sum_k h_{nk} W_{2,k}$.
# The weight $W_{2,k}$ appears in every example's $z_{2,n}$, with the factor $h_{nk}$, so the chain
# rule sums over the examples:
#
# $$\frac{\partial L}{\partial W_{2,k}} = \sum_n \frac{\partial L}{\partial z_{2,n}}\, h_{nk}
#   \quad\Longrightarrow\quad \frac{\partial L}{\partial W_2} = h^\top \frac{\partial L}{\partial z_2}
#   = h^\top \frac{\hat y - y}{N} \qquad (H, N)\,(N, 1) = (H, 1).$$
#
# **Step 5: back through $W_2$ to the hidden layer.** Now read the same sum as a function of
# $h_{nk}$: it appears only in $z_{2,n}$, with the factor $W_{2,k}$:
#
# $$\frac{\partial L}{\partial h_{nk}} = \frac{\partial L}{\partial z_{2,n}}\, W_{2,k}
#   \quad\Longrightarrow\quad \frac{\partial L}{\partial h} = \frac{\partial L}{\partial z_2} W_2^\top
#   \qquad (N, 1)\,(1, H) = (N, H).$$
#
# **Step 6: through the hidden sigmoid**, element-wise, as in step 3:
#
# $$\frac{\partial L}{\partial z_1} = \frac{\partial L}{\partial h} \odot h (1 - h) \qquad (N, H).$$
#
# **Step 7: the first weights**, exactly like step 4 with $X$ in the place of $h$:
#
# $$\frac{\partial L}{\partial W_1} = X^\top \frac{\partial L}{\partial z_1} \qquad (D, N)\,(N, H) = (D, H).$$
#
# All in one line: $\;\dfrac{\partial L}{\partial W_1} = X^\top \Big[ \Big(\dfrac{\hat y - y}{N}\, W_2^\top\Big)
# \odot h (1 - h) \Big]$.
#
# **A rule for the shapes.** For any layer $z = A W$: $\;\partial L/\partial W = A^\top\, \partial L/\partial z$
# and $\partial L/\partial A = \partial L/\partial z\; W^\top$. These are the only arrangements whose
# shapes fit, so when in doubt, write the shapes down and let them tell you where the transpose goes.

# %% [markdown] lang="zh"
# **第 4 步：第二层权重。** 把矩阵乘法展开写：$z_{2,n} = \sum_k h_{nk} W_{2,k}$。权重 $W_{2,k}$ 出现在每个样本的 $z_{2,n}$ 中，
# 系数是 $h_{nk}$，所以链式法则要对所有样本求和：
#
# $$\frac{\partial L}{\partial W_{2,k}} = \sum_n \frac{\partial L}{\partial z_{2,n}}\, h_{nk}
#   \quad\Longrightarrow\quad \frac{\partial L}{\partial W_2} = h^\top \frac{\partial L}{\partial z_2}
#   = h^\top \frac{\hat y - y}{N} \qquad (H, N)\,(N, 1) = (H, 1).$$
#
# **第 5 步：穿过 $W_2$ 回到隐藏层。** 把同一个求和式看作 $h_{nk}$ 的函数：$h_{nk}$ 只出现在 $z_{2,n}$ 中，系数是 $W_{2,k}$：
#
# $$\frac{\partial L}{\partial h_{nk}} = \frac{\partial L}{\partial z_{2,n}}\, W_{2,k}
#   \quad\Longrightarrow\quad \frac{\partial L}{\partial h} = \frac{\partial L}{\partial z_2} W_2^\top
#   \qquad (N, 1)\,(1, H) = (N, H).$$
#
# **第 6 步：穿过隐藏层的 sigmoid**，和第 3 步一样逐元素相乘：
#
# $$\frac{\partial L}{\partial z_1} = \frac{\partial L}{\partial h} \odot h (1 - h) \qquad (N, H).$$
#
# **第 7 步：第一层权重**，与第 4 步完全相同，只是把 $h$ 换成 $X$：
#
# $$\frac{\partial L}{\partial W_1} = X^\top \frac{\partial L}{\partial z_1} \qquad (D, N)\,(N, H) = (D, H).$$
#
# 合起来写成一行：$\;\dfrac{\partial L}{\partial W_1} = X^\top \Big[ \Big(\dfrac{\hat y - y}{N}\, W_2^\top\Big)
# \odot h (1 - h) \Big]$。
#
# **形状的规律。** 对任意一层 $z = A W$：$\;\partial L/\partial W = A^\top\, \partial L/\partial z$，
# $\partial L/\partial A = \partial L/\partial z\; W^\top$。只有这样排列，形状才对得上。拿不准的时候，
# 就把形状写下来，让它们告诉你转置该放在哪里。

# %%
# [en] Steps 4 to 7, with the shapes of each product.
# [zh] 第 4 到第 7 步，注释里写出了每次乘法的形状。
d_W2 = h.T @ d_z2           # (H, N) @ (N, 1) = (H, 1)
d_h = d_z2 @ W2.T           # (N, 1) @ (1, H) = (N, H)
d_z1 = d_h * h * (1 - h)    # (N, H) * (N, H) = (N, H)
d_W1 = X.T @ d_z1           # (D, N) @ (N, H) = (D, H)
for name, value in [("dL/dW2", d_W2), ("dL/dh", d_h), ("dL/dz1", d_z1), ("dL/dW1", d_W1)]:
    print(f"{name} {tuple(value.shape)}:\n{value}")

# %% [markdown] lang="en"
# Now the same gradients from autograd, as in lesson 4: copies of the weights that require grad,
# the same forward pass, `backward()`. `F.binary_cross_entropy` is PyTorch's version of our loss.

# %% [markdown] lang="zh"
# 现在像第 4 课那样，用 autograd 求同样的梯度：复制一份需要梯度的权重，做同样的前向计算，再调用 `backward()`。
# `F.binary_cross_entropy` 就是 PyTorch 版本的这个损失函数。

# %%
A1 = W1.clone().requires_grad_(True)
A2 = W2.clone().requires_grad_(True)
F.binary_cross_entropy(torch.sigmoid(torch.sigmoid(X @ A1) @ A2), y).backward()

print(helper.tr(en="autograd's dL/dW1:", zh="autograd 算出的 dL/dW1："), "\n", A1.grad)
print(helper.tr(en="autograd's dL/dW2:", zh="autograd 算出的 dL/dW2："), "\n", A2.grad)
print(helper.tr(en="largest difference from our dW1:", zh="与我们的 dW1 的最大差距："), (A1.grad - d_W1).abs().max().item())
print(helper.tr(en="largest difference from our dW2:", zh="与我们的 dW2 的最大差距："), (A2.grad - d_W2).abs().max().item())

# %% [markdown] lang="en"
# The whole backward pass on one picture: the forward pass computes each node from left to right
# (black: the shapes, and the loss of the worked example); the backward pass walks the red arrows
# from right to left, and each node's gradient (red) comes from the one after it.

# %% [markdown] lang="zh"
# 把整个反向传播画在一张图上：前向传播从左到右算出每个节点（黑色：形状，以及示例中的损失值）；
# 反向传播沿红色箭头从右往左走，每个节点的梯度（红色）都由它后面那个节点的梯度算出。

# %%
helper.diagrams.computational_graph(
    values={"X": "(N, D)", "W1": "(D, H)", "z1": "(N, H)", "h": "(N, H)", "W2": "(H, 1)", "z2": "(N, 1)",
            "y_hat": "(N, 1)", "y": "(N, 1)", "L": f"{loss.item():.3f}"},
    gradients={"L": "1", "z2": "(ŷ − y) / N", "h": "dz₂ W₂ᵀ", "z1": "dh ⊙ h(1 − h)", "W2": "hᵀ dz₂", "W1": "Xᵀ dz₁"});

# %% [markdown] lang="en"
# The differences are at the level of float64 rounding, about $10^{-17}$: autograd computes the same
# chain rule, node by node, in the same order.
#
# **Think:** $\sigma'(z) = \sigma(z)(1 - \sigma(z))$ is never larger than $1/4$. Every sigmoid layer the
# gradient passes through multiplies it by such a factor. What happens to the gradient of the first
# layer of a network with ten sigmoid layers?

# %% [markdown] lang="zh"
# 差值只有 float64 舍入误差的量级，约为 $10^{-17}$：autograd 算的是同样的链式法则，逐个节点、按同样的顺序计算。
#
# **想一想：** $\sigma'(z) = \sigma(z)(1 - \sigma(z))$ 永远不会超过 $1/4$。梯度每穿过一个 sigmoid 层，都要乘上这样一个因子。
# 对于一个有十个 sigmoid 层的网络，第一层的梯度会变成什么样？

# %% [markdown] lang="en"
# ## 3. Exercise (4 points): write `two_layer_backward`
#
# Complete `two_layer_backward(X, y, W1, W2)`: return the tuple `(dW1, dW2)` of the gradients of the
# mean binary cross-entropy $L$ with respect to `W1` and `W2`, for the network above and any sizes
# $N$, $D$, $H$. `dW1` must have the shape of `W1`, `dW2` the shape of `W2`, both with their dtype
# and device.
#
# * Compute the gradients **by hand**: the forward pass, then steps 3 to 7. The checks call your
#   function inside `torch.no_grad()`, with inputs that do not require grad, and notice any use of
#   autograd (`backward()`, `torch.autograd.grad`, `requires_grad`), even with grad mode switched back on.
# * Do not change the inputs: return the gradients, do not take a gradient-descent step with them.
#
# The checks compare your result with autograd on the worked example, and with a numerical gradient
# check (section 4) on a bigger random one.

# %% [markdown] lang="zh"
# ## 3. 练习（4 分）：实现 `two_layer_backward`
#
# 补全 `two_layer_backward(X, y, W1, W2)`：对上面的网络，在任意大小的 $N$、$D$、$H$ 下，返回平均二元交叉熵 $L$
# 对 `W1` 和 `W2` 的梯度组成的元组 `(dW1, dW2)`。`dW1` 的形状必须与 `W1` 相同，`dW2` 与 `W2` 相同，数据类型和设备也都要与它们一致。
#
# * **亲手**计算梯度：先做前向计算，再依次完成第 3 到第 7 步。检查会在 `torch.no_grad()` 里、用不需要梯度的输入调用你的函数，
#   并且能发现任何对 autograd 的使用（`backward()`、`torch.autograd.grad`、`requires_grad`），即使你重新打开了梯度模式也一样。
# * 不要修改输入：只返回梯度，不要在函数里用它们做梯度下降。
#
# 检查会把你的结果与 autograd 在上面示例上的结果进行比较，并在一个更大的随机例子上做数值梯度检验（见第 4 节）。

# %% solution="two_layer_backward"
def two_layer_backward(X, y, W1, W2):
    """Gradients (dW1, dW2) of the mean BCE of sigmoid(sigmoid(X @ W1) @ W2) against y."""
    ### BEGIN SOLUTION
    n_examples = X.shape[0]
    h = torch.sigmoid(X @ W1)            # (N, H)
    y_hat = torch.sigmoid(h @ W2)        # (N, 1)
    d_z2 = (y_hat - y) / n_examples      # (N, 1)
    d_W2 = h.T @ d_z2                    # (H, 1)
    d_z1 = (d_z2 @ W2.T) * h * (1 - h)   # (N, H)
    d_W1 = X.T @ d_z1                    # (D, H)
    return d_W1, d_W2
    ### END SOLUTION


# %% tests="test_two_layer_backward" points=4
from autograder import check

check("two_layer_backward", two_layer_backward)
### BEGIN HIDDEN TESTS
from autograder import hidden_tests

hidden_tests("two_layer_backward", two_layer_backward)
### END HIDDEN TESTS

# %% [markdown] lang="en"
# ## 4. Gradient checking
#
# Autograd could check our gradients here, but for a new kind of layer, or inside autograd itself,
# there is nothing to compare with. The definition of the derivative always works: nudge one weight
# $w$ by a small $\varepsilon$ and watch the loss. The **central difference**
#
# $$\frac{\partial L}{\partial w} \approx \frac{L(w + \varepsilon) - L(w - \varepsilon)}{2\varepsilon}$$
#
# is much more accurate than the one-sided $\big(L(w + \varepsilon) - L(w)\big)/\varepsilon$. By
# Taylor's formula, $L(w \pm \varepsilon) = L \pm \varepsilon L' + \tfrac{\varepsilon^2}{2} L'' \pm
# \tfrac{\varepsilon^3}{6} L''' + \dots$; in the difference the $L''$ terms cancel, leaving an error
# of order $\varepsilon^2$ instead of $\varepsilon$.
#
# * Use **float64**: the two losses agree in almost all their digits, and the subtraction keeps only
#   the rest. With about 16 digits and $\varepsilon = 10^{-6}$, about 10 are left; float32 has only 7,
#   which leaves about one.
# * Compare with a tolerance that allows for the size of the numbers: an entry passes when
#   $|a - b| \le \text{atol} + \text{rtol}\,|b|$.
# * It costs two forward passes *per weight*, so it is a test for tiny networks, never a way to train.
#
# PyTorch does all of this in **`torch.autograd.gradcheck`**: it nudges every input entry in turn
# (central differences, $\varepsilon = 10^{-6}$), compares the result with the gradient that the
# function's `backward` returns (`atol=1e-5`, `rtol=1e-3`), and insists on float64 inputs. To let it
# check *our* backward, we wrap the loss in a `torch.autograd.Function`: `forward` computes the loss,
# `backward` returns the gradients from `two_layer_backward` (times the incoming gradient, 1 for a
# loss). This is also how you would give PyTorch a layer with a hand-written backward.

# %% [markdown] lang="zh"
# ## 4. 梯度检验
#
# 在这里，我们可以用 autograd 来检查手算的梯度；但如果是一种新的层，或者要检查的正是 autograd 本身，就没有现成的结果可比了。
# 导数的定义却总是管用的：把某个权重 $w$ 挪动一个很小的 $\varepsilon$，看损失怎么变。**中心差分**
#
# $$\frac{\partial L}{\partial w} \approx \frac{L(w + \varepsilon) - L(w - \varepsilon)}{2\varepsilon}$$
#
# 比单侧差分 $\big(L(w + \varepsilon) - L(w)\big)/\varepsilon$ 精确得多。由泰勒公式，
# $L(w \pm \varepsilon) = L \pm \varepsilon L' + \tfrac{\varepsilon^2}{2} L'' \pm \tfrac{\varepsilon^3}{6} L''' + \dots$；
# 两式相减时 $L''$ 项正好抵消，误差从 $\varepsilon$ 量级降到 $\varepsilon^2$ 量级。
#
# * 要用 **float64**：两个损失值的绝大多数位数都相同，相减之后只剩下其余的位数。float64 约有 16 位有效数字，
#   取 $\varepsilon = 10^{-6}$ 时还能剩下约 10 位；float32 只有 7 位，相减后大约只剩 1 位。
# * 比较时用一个考虑到数值大小的容差：当 $|a - b| \le \text{atol} + \text{rtol}\,|b|$ 时，这个元素就算通过。
# * 每个权重都要做两次前向计算，所以它只适合用来测试很小的网络，绝不能用来训练。
#
# PyTorch 的 **`torch.autograd.gradcheck`** 把这些都做好了：它依次挪动输入的每个元素（中心差分，$\varepsilon = 10^{-6}$），
# 把结果与函数的 `backward` 返回的梯度相比较（`atol=1e-5`，`rtol=1e-3`），并且要求输入是 float64。
# 为了让它检查*我们自己的*反向传播，我们把损失包装成一个 `torch.autograd.Function`：`forward` 计算损失，
# `backward` 返回 `two_layer_backward` 算出的梯度（乘以传进来的梯度；对损失来说它是 1）。
# 想给 PyTorch 添加一个手写反向传播的层，也是这样做的。

# %%
def bce_loss(X, y, W1, W2):
    y_hat = torch.sigmoid(torch.sigmoid(X @ W1) @ W2)
    return -(y * torch.log(y_hat) + (1 - y) * torch.log(1 - y_hat)).mean()


def loss_with_backward(backward, X, y):
    # [en] The BCE loss as a function of (W1, W2), whose gradients come from `backward(X, y, W1, W2)`.
    # [zh] 以 (W1, W2) 为自变量的 BCE 损失，它的梯度由 `backward(X, y, W1, W2)` 给出。
    class TwoLayerLoss(torch.autograd.Function):
        @staticmethod
        def forward(ctx, W1, W2):
            ctx.save_for_backward(W1, W2)
            return bce_loss(X, y, W1, W2)

        @staticmethod
        def backward(ctx, grad_output):
            dW1, dW2 = backward(X, y, *ctx.saved_tensors)
            return grad_output * dW1, grad_output * dW2

    return TwoLayerLoss.apply


def buggy_backward(X, y, W1, W2):
    # [en] A deliberate bug, for comparison: dW1 without the hidden sigmoid's slope h (1 - h).
    # [zh] 作为对照，故意引入一个 bug：计算 dW1 时漏掉隐藏层 sigmoid 的斜率 h (1 - h)。
    h = torch.sigmoid(X @ W1)
    d_z2 = (torch.sigmoid(h @ W2) - y) / len(X)
    return X.T @ (d_z2 @ W2.T), h.T @ d_z2


# [en] A random problem, bigger than the worked example: N = 6, D = 3, H = 4, in float64.
# [zh] 一个比示例更大的随机问题：N = 6，D = 3，H = 4，使用 float64。
Xr = torch.randn(6, 3, dtype=torch.float64, generator=generator)
yr = torch.randint(0, 2, (6, 1), generator=generator).double()
W1r = torch.randn(3, 4, dtype=torch.float64, generator=generator, requires_grad=True)
W2r = torch.randn(4, 1, dtype=torch.float64, generator=generator, requires_grad=True)

for name, backward in [("two_layer_backward", two_layer_backward), ("buggy_backward", buggy_backward)]:
    passed = torch.autograd.gradcheck(loss_with_backward(backward, Xr, yr), (W1r, W2r), raise_exception=False)
    print(f"gradcheck, {name}:", helper.tr(en="passed" if passed else "failed", zh="通过" if passed else "未通过"))

# %% [markdown] lang="en"
# ## 5. Training with your gradients
#
# Gradients are for learning. The data set below is a classic that a network *without* a hidden
# layer cannot learn: four clouds of points around $(\pm 1, \pm 1)$, labelled 1 where $x_1$ and $x_2$
# have opposite signs and 0 where they have the same sign (an "XOR" pattern). No straight line separates
# the two classes.
#
# Our network has no biases, so we use the **bias trick**: append a constant input 1 to every
# example ($D = 3$). The weight on that input acts as the hidden units' bias. Then we run plain
# **gradient descent** with your function: compute the gradients on all 200 points and step
# against them, $W \leftarrow W - \eta\, \partial L / \partial W$, with learning rate $\eta = 3$.
# Each step uses the whole data set, so each step is one epoch.

# %% [markdown] lang="zh"
# ## 5. 用你的梯度来训练
#
# 梯度是用来学习的。下面这个数据集是一个经典例子，*没有*隐藏层的网络学不会它：四团点分别分布在 $(\pm 1, \pm 1)$ 附近，
# $x_1$ 与 $x_2$ 异号的点标签为 1，同号的点标签为 0（即“异或”，XOR 模式）。没有任何一条直线能把这两类点分开。
#
# 我们的网络没有偏置，所以用一个**偏置技巧**：给每个样本追加一个恒为 1 的输入（$D = 3$），这个输入上的权重就起到了隐藏单元偏置的作用。
# 然后用你的函数做最朴素的**梯度下降**：在全部 200 个点上计算梯度，再沿梯度的反方向迈一步，
# $W \leftarrow W - \eta\, \partial L / \partial W$，学习率 $\eta = 3$。每一步都用到了整个数据集，所以每一步就是一个轮次（epoch）。

# %%
corners = torch.tensor([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]], dtype=torch.float64)
corner_labels = torch.tensor([0.0, 0.0, 1.0, 1.0], dtype=torch.float64)
which = torch.arange(4).repeat_interleave(50)
points = corners[which] + 0.3 * torch.randn(200, 2, dtype=torch.float64, generator=generator)

# [en] The bias trick: a third input that is always 1.
# [zh] 偏置技巧：第三个输入恒为 1。
X_xor = torch.cat([points, torch.ones(200, 1, dtype=torch.float64)], dim=1).to(device)
y_xor = corner_labels[which].unsqueeze(1).to(device)
W1_xor = torch.randn(3, 8, dtype=torch.float64, generator=generator).to(device)
W2_xor = torch.randn(8, 1, dtype=torch.float64, generator=generator).to(device)

learning_rate = 3.0
history = {"train_loss": []}
for step in range(101):
    history["train_loss"].append(bce_loss(X_xor, y_xor, W1_xor, W2_xor).item())
    if step % 20 == 0:
        print(helper.tr(en=f"step {step:3d}   loss {history['train_loss'][-1]:.4f}",
                        zh=f"第 {step:3d} 步   损失 {history['train_loss'][-1]:.4f}"))
    dW1, dW2 = two_layer_backward(X_xor, y_xor, W1_xor, W2_xor)
    W1_xor = W1_xor - learning_rate * dW1
    W2_xor = W2_xor - learning_rate * dW2

predictions = torch.sigmoid(torch.sigmoid(X_xor @ W1_xor) @ W2_xor) > 0.5
accuracy = (predictions == (y_xor > 0.5)).double().mean().item()
print(helper.tr(en=f"accuracy on the 200 points: {accuracy:.0%}", zh=f"在 200 个点上的准确率：{accuracy:.0%}"))
helper.plot_history(history);

# %% [markdown] lang="en"
# The loss starts near $0.9$, worse than a coin toss ($\log 2 \approx 0.69$), falls steeply once the
# hidden units find useful directions, and keeps creeping towards 0; the network classifies the points
# correctly. Each hidden unit $\sigma(w_1 x_1 + w_2 x_2 + w_3)$ is a soft step across one straight line
# in the plane; the hidden units have learned lines that, combined by the output unit, fence off the
# two clouds of each class.
#
# **Think:** remove the hidden layer, so that $\hat y = \sigma(X w)$. Why can no choice of $w$ get
# all four clouds right?

# %% [markdown] lang="zh"
# 损失从 $0.9$ 左右开始，比抛硬币（$\log 2 \approx 0.69$）还差；等隐藏单元找到有用的方向后迅速下降，之后继续缓缓趋向 0。
# 网络能正确地给这些点分类。每个隐藏单元 $\sigma(w_1 x_1 + w_2 x_2 + w_3)$ 都是沿平面上一条直线的“软台阶”；隐藏单元学到了若干条这样的直线，
# 经输出单元组合之后，就能把每一类的两团点圈出来。
#
# **想一想：** 如果去掉隐藏层，让 $\hat y = \sigma(X w)$，为什么无论 $w$ 取什么值，都不可能把四团点全部分对？

# %% [markdown] lang="en"
# ## Summary
#
# * Backpropagation is the chain rule applied from the loss backwards; at every step $\partial
#   L/\partial(\text{something})$ has the shape of that something.
# * $\sigma'(z) = \sigma(z)(1 - \sigma(z))$ comes from the forward pass's output; with binary
#   cross-entropy the output gradient simplifies to $(\hat y - y)/N$.
# * The log of a saturated probability is $-\infty$: compute the loss from logits
#   (`nn.BCEWithLogitsLoss`, like `nn.CrossEntropyLoss`), where the gradient $(\sigma(z) - y)/N$ is
#   always finite.
# * Check a hand-written backward against central differences in float64: `torch.autograd.gradcheck`
#   does it, for a `torch.autograd.Function` whose `backward` you wrote.

# %% [markdown] lang="zh"
# ## 小结
#
# * 反向传播就是从损失出发、由后往前地应用链式法则；每一步的 $\partial L/\partial(\text{某个量})$ 都与那个量形状相同。
# * $\sigma'(z) = \sigma(z)(1 - \sigma(z))$ 可以直接用前向传播的输出算出；配合二元交叉熵，输出层的梯度化简为 $(\hat y - y)/N$。
# * 对饱和的概率取对数会得到 $-\infty$：应该从 logits 计算损失（`nn.BCEWithLogitsLoss`，就像 `nn.CrossEntropyLoss`），这样梯度 $(\sigma(z) - y)/N$ 总是有限的。
# * 用 float64 的中心差分检验手写的反向传播：`torch.autograd.gradcheck` 能替你做，只要把你写的 `backward` 放进一个 `torch.autograd.Function`。

# %% [markdown] lang="en" answers=true
# ### Answers to the questions (for the instructor)
#
# 1. With $\hat y \approx 0$ and $y = 1$ the MSE gradient is about $(-1) \cdot 0 \cdot 1 / N \approx
#    0$: the example that is most wrong gets almost no gradient, and learning stalls on it.
#    Cross-entropy's $\log$ cancels the sigmoid's slope, leaving $(\hat y - y)/N \approx -1/N$: the
#    strongest push exactly there.
# 2. $b_2$ is added to every example's $z_{2,n}$ with derivative 1, so $\partial L/\partial b_2 =
#    \sum_n \partial L/\partial z_{2,n}$, `d_z2.sum(dim=0)`, of shape `(1,)`. Likewise $\partial
#    L/\partial b_1 = \sum_n \partial L/\partial z_{1,n}$, `d_z1.sum(dim=0)`, of shape `(H,)`: one
#    number per hidden unit.
# 3. $2 \cdot 109{,}386 = 218{,}772$ forward passes. Step 5 shows the reuse: $\partial L/\partial h
#    = (\partial L/\partial z_2)\,W_2^\top$ starts from the gradient already computed for the layer
#    above, and the sigmoid slope $h(1 - h)$ comes from the forward pass; step 7 repeats step 4 with
#    $X$ for $h$. Each gradient costs about as much as the forward computation of its layer.

# %% [markdown] lang="zh" answers=true
# ### 思考题参考答案（供教师使用）
#
# 1. 当 $\hat y \approx 0$ 而 $y = 1$ 时，均方误差的梯度约为 $(-1) \cdot 0 \cdot 1 / N \approx 0$：错得最离谱的样本几乎得不到梯度，学习在它身上停滞了。交叉熵里的 $\log$ 正好抵消了 sigmoid 的斜率，剩下 $(\hat y - y)/N \approx -1/N$：恰恰在那里推力最大。
# 2. $b_2$ 加到每个样本的 $z_{2,n}$ 上，导数为 1，所以 $\partial L/\partial b_2 = \sum_n \partial L/\partial z_{2,n}$，即 `d_z2.sum(dim=0)`，形状为 `(1,)`。同理，$\partial L/\partial b_1 = \sum_n \partial L/\partial z_{1,n}$，即 `d_z1.sum(dim=0)`，形状为 `(H,)`：每个隐藏单元一个数。
# 3. $2 \cdot 109{,}386 = 218{,}772$ 次前向计算。第 5 步体现了重复利用：$\partial L/\partial h = (\partial L/\partial z_2)\,W_2^\top$ 从上一层已经算好的梯度出发，sigmoid 的斜率 $h(1 - h)$ 来自前向传播；第 7 步则把第 4 步中的 $h$ 换成 $X$ 再做一遍。每个梯度的代价都与那一层的前向计算相当。

# %% [markdown] lang="en"
# ## Questions to think about
#
# 1. With the mean squared error $\frac{1}{N}\sum_n (\hat y_n - y_n)^2 / 2$ instead of cross-entropy,
#    $\partial L / \partial z_2 = (\hat y - y)\,\hat y (1 - \hat y) / N$. What happens to this gradient
#    when the network is confidently wrong ($\hat y \approx 0$ while $y = 1$)? Why does cross-entropy
#    not have this problem?
# 2. Add biases, $h = \sigma(X W_1 + b_1)$ and $\hat y = \sigma(h W_2 + b_2)$. Show that
#    $\partial L / \partial b_2$ is the sum over the examples of $\partial L / \partial z_2$. What is
#    $\partial L / \partial b_1$, and what is its shape?
# 3. Gradient checking needs two forward passes per weight. How many for lesson 4's network with
#    109,386 parameters? Backpropagation gets all of them at the cost of roughly one extra pass: which
#    step of the derivation shows how it reuses work?
#
# **Next:** with backpropagation understood, we hand this work back to autograd and `torch.optim`,
# and train networks on whole data sets.

# %% [markdown] lang="zh"
# ## 思考题
#
# 1. 如果不用交叉熵，而用均方误差 $\frac{1}{N}\sum_n (\hat y_n - y_n)^2 / 2$，那么
#    $\partial L / \partial z_2 = (\hat y - y)\,\hat y (1 - \hat y) / N$。当网络自信地答错时（$y = 1$ 而 $\hat y \approx 0$），
#    这个梯度会怎样？为什么交叉熵没有这个问题？
# 2. 加上偏置：$h = \sigma(X W_1 + b_1)$，$\hat y = \sigma(h W_2 + b_2)$。证明 $\partial L / \partial b_2$ 等于
#    $\partial L / \partial z_2$ 对所有样本求和。$\partial L / \partial b_1$ 又是什么？它的形状是什么？
# 3. 梯度检验对每个权重都要做两次前向计算。对第 4 课那个有 109,386 个参数的网络，一共要做多少次？
#    反向传播只需大约多做一次计算就能得到全部梯度：推导中的哪一步体现了它对已有计算结果的重复利用？
#
# **下一课：** 弄懂了反向传播之后，我们把这份工作交还给 autograd 和 `torch.optim`，在完整的数据集上训练网络。

# %% [markdown] lang="en"
# ## Written answer (graded by your instructor, 2 points)
#
# Gradient checking needs two forward passes *per weight*; backpropagation gets every gradient for
# roughly the cost of one extra pass. In three or four sentences of your own: what does the backward
# pass reuse, from the forward pass and from the layer above, that makes it so much cheaper? Point
# to the line of `two_layer_backward` where this happens.

# %% [markdown] lang="zh"
# ## 简答题（由老师人工评分，2 分）
#
# 梯度检验对**每个权重**都要做两次前向计算；反向传播只多花大约一次计算，就得到全部梯度。请用你自己的话，
# 写三四句话回答：反向传播重复利用了前向计算和上一层的哪些结果，才会便宜这么多？请指出 `two_layer_backward`
# 中体现这一点的那一行。

# %% [markdown] lang="en" answer="written_backprop_reuse" points=2
# **Rubric (2 points).** 1 point: the backward pass reuses the activations saved in the forward pass
# ($h$, $\hat y$) and the gradient already computed for the layer above (the error signal
# $\partial L/\partial z_2$, `d_z2`), so each layer costs one matrix product more, not one pass per weight.
# 1 point: names the line that sends the error back, `d_h = d_z2 @ W2.T` (or the product with
# $h(1-h)$ after it). 0 points for restating the chain rule without saying what is reused.

# %% [markdown] lang="zh" answer="written_backprop_reuse" points=2
# **评分标准（2 分）** 1 分：反向传播重复利用了前向计算时保存的激活值（$h$、$\hat y$），以及上一层已经算好的梯度
# （误差信号 $\partial L/\partial z_2$，即 `d_z2`），所以每一层只多一次矩阵乘法，而不是每个权重都重新计算一遍。
# 1 分：指出把误差传回去的那一行 `d_h = d_z2 @ W2.T`（或随后乘以 $h(1-h)$ 的那一行）。
# 只复述链式法则、没有说明重复利用了什么的，得 0 分。
